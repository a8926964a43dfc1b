/**
 * CORS the way a Function URL applies it from its configuration: the front answers preflights
 * itself (the function never sees them) and sets access-control-* on actual responses,
 * overriding whatever the function set.
 */
import { CorsSpec } from '../../model/function-spec';

export type HeaderPairs = Array<[string, string]>;

/** A browser preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: Readonly<Record<string, string>>): boolean {
  return method.toUpperCase() === 'OPTIONS' && headers['origin'] !== undefined && headers['access-control-request-method'] !== undefined;
}

function originAllowed(cors: CorsSpec, origin: string): boolean {
  return cors.allowOrigins.includes('*') || cors.allowOrigins.some((allowed) => allowed.toLowerCase() === origin.toLowerCase());
}

/** `*` only when every origin is allowed and credentials are not (browsers refuse `*` with credentials). */
function allowOriginValue(cors: CorsSpec, origin: string): string {
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}

function listAllows(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.some((item) => item.toLowerCase() === value.toLowerCase());
}

/**
 * Headers answering a preflight (status 200 either way). A disallowed origin, method or header
 * gets no access-control-* headers, so the browser blocks the request, as with AWS.
 */
export function preflightHeaders(cors: CorsSpec, headers: Readonly<Record<string, string>>): HeaderPairs {
  const origin = headers['origin'];
  const method = headers['access-control-request-method'];
  if (!origin || !method || !originAllowed(cors, origin) || !listAllows(cors.allowMethods, method)) return [];
  const requested = (headers['access-control-request-headers'] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (!requested.every((name) => listAllows(cors.allowHeaders, name))) return [];
  const result: HeaderPairs = [
    ['access-control-allow-origin', allowOriginValue(cors, origin)],
    ['access-control-allow-methods', cors.allowMethods.join(',')],
  ];
  if (cors.allowHeaders.length > 0) result.push(['access-control-allow-headers', cors.allowHeaders.join(',')]);
  if (cors.maxAgeSeconds) result.push(['access-control-max-age', String(cors.maxAgeSeconds)]);
  if (cors.allowCredentials) result.push(['access-control-allow-credentials', 'true']);
  if (allowOriginValue(cors, origin) !== '*') result.push(['vary', 'Origin']);
  return result;
}

/** access-control-* for an actual (non-preflight) response to a request from `origin`. */
export function responseCorsHeaders(cors: CorsSpec, origin: string | undefined): HeaderPairs {
  if (!origin || !originAllowed(cors, origin)) return [];
  const result: HeaderPairs = [['access-control-allow-origin', allowOriginValue(cors, origin)]];
  if (cors.exposeHeaders && cors.exposeHeaders.length > 0) result.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
  if (cors.allowCredentials) result.push(['access-control-allow-credentials', 'true']);
  if (allowOriginValue(cors, origin) !== '*') result.push(['vary', 'Origin']);
  return result;
}

/** The function's headers with every access-control-* replaced by the configured ones. */
export function applyCors(headers: ReadonlyArray<readonly [string, string]>, cors: CorsSpec | undefined, origin: string | undefined): HeaderPairs {
  if (!cors) return headers.map(([name, value]) => [name, value]);
  const kept: HeaderPairs = headers.filter(([name]) => !name.toLowerCase().startsWith('access-control-')).map(([name, value]) => [name, value]);
  return [...kept, ...responseCorsHeaders(cors, origin)];
}
