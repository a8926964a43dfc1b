/** One plain HTTP request with undici, answered as the suite's HttpAnswer (headers flattened). */
import { request } from 'undici';
import { HttpAnswer } from './function-target';

export async function httpRequest(
  url: URL,
  method: string,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const response = await request(url, { method: method as 'GET', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode, headers: flat, body: await response.body.text() };
}
