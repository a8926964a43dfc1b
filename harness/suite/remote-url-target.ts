/** A deployed Function URL as a suite target: the same checks, over real HTTP with undici. */
import { FunctionTarget } from './function-target';
import { httpRequest } from './http-request';

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
    http: (method, path, headers, body) => httpRequest(new URL(path, base), method, { ...options.headers, ...headers }, body, timeoutMs),
  };
}
