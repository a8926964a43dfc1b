import { applyCors, isPreflight, preflightHeaders, responseCorsHeaders } from '../../../harness/emulator/cors';
import { CorsSpec } from '../../../model/function-spec';

const open: CorsSpec = { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: ['content-type', 'x-api-key'], maxAgeSeconds: 300 };
const strict: CorsSpec = {
  allowOrigins: ['https://dashboard.example'], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type'],
  exposeHeaders: ['x-request-id'], allowCredentials: true,
};
const asObject = (pairs: Array<[string, string]>) => Object.fromEntries(pairs);

describe('CORS like a Function URL', () => {
  test('recognises preflights only with Origin and Access-Control-Request-Method', () => {
    expect(isPreflight('OPTIONS', { origin: 'https://a', 'access-control-request-method': 'GET' })).toBe(true);
    expect(isPreflight('OPTIONS', { origin: 'https://a' })).toBe(false);
    expect(isPreflight('GET', { origin: 'https://a', 'access-control-request-method': 'GET' })).toBe(false);
  });

  test('open preflight: *, methods, headers, max-age', () => {
    const headers = asObject(preflightHeaders(open, { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'X-Api-Key' }));
    expect(headers).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'content-type,x-api-key',
      'access-control-max-age': '300',
    });
  });

  test('preflight refused (no CORS headers) for a foreign origin, method or header', () => {
    expect(preflightHeaders(strict, { origin: 'https://evil.example', 'access-control-request-method': 'GET' })).toEqual([]);
    expect(preflightHeaders(open, { origin: 'https://a', 'access-control-request-method': 'DELETE' })).toEqual([]);
    expect(preflightHeaders(open, { origin: 'https://a', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-other' })).toEqual([]);
  });

  test('listed origin with credentials: echoed origin, credentials, Vary', () => {
    const headers = asObject(preflightHeaders(strict, { origin: 'https://dashboard.example', 'access-control-request-method': 'POST' }));
    expect(headers['access-control-allow-origin']).toBe('https://dashboard.example');
    expect(headers['access-control-allow-credentials']).toBe('true');
    expect(headers.vary).toBe('Origin');
  });

  test('actual responses get allow-origin and expose-headers; none without an allowed Origin', () => {
    expect(asObject(responseCorsHeaders(strict, 'https://dashboard.example'))).toEqual({
      'access-control-allow-origin': 'https://dashboard.example',
      'access-control-expose-headers': 'x-request-id',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    expect(responseCorsHeaders(strict, undefined)).toEqual([]);
    expect(responseCorsHeaders(strict, 'https://evil.example')).toEqual([]);
  });

  test("configured CORS overrides the function's own access-control headers", () => {
    const merged = applyCors([['content-type', 'text/plain'], ['Access-Control-Allow-Origin', 'https://wrong']], open, 'https://a');
    expect(merged).toEqual([['content-type', 'text/plain'], ['access-control-allow-origin', '*']]);
    expect(applyCors([['Access-Control-Allow-Origin', 'x']], undefined, 'https://a')).toEqual([['Access-Control-Allow-Origin', 'x']]);
  });
});
