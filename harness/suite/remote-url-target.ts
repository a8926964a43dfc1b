/** A deployed Function URL as a suite target: the same checks, over real HTTP with undici. */
import { request } from 'undici';
import { FunctionTarget } from './function-target';

export interface RemoteUrlTargetOptions {
  /** Per-request timeout. @default 30000 (a cold image function can take seconds) */
  readonly timeoutMs?: number;
  /** Headers added to every request (e.g. an API key for a protected path). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
}

export function remoteUrlTarget(url: string, options: RemoteUrlTargetOptions = {}): FunctionTarget {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new Error(`--url must be an absolute http(s) URL such as https://abc.lambda-url.eu-west-1.on.aws/, got '${url}'.`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new Error(`--url must use http or https, got '${base.protocol}' in '${url}'.`);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    description: `deployed Function URL ${base.origin}`,
    http: async (method, path, headers, body) => {
      const target = new URL(path, base);
      const response = await request(target, {
        method: method as 'GET',
        headers: { ...options.headers, ...headers },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const flat: Record<string, string> = {};
      for (const [key, value] of Object.entries(response.headers)) {
        if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers: flat, body: await response.body.text() };
    },
  };
}
