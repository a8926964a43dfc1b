/**
 * Pure conversions between plain HTTP and Lambda's payload format 2.0 (Function URLs):
 * request -> event, and the function's result -> HTTP response, with Lambda's inference rules.
 */

export interface PlainHttpRequest {
  readonly method: string;
  /** Path and query exactly as received: `/items?id=1&id=2`. */
  readonly url: string;
  /** Node's `rawHeaders`: name, value, name, value... (keeps duplicates and order). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** @default 'HTTP/1.1' */
  readonly protocol?: string;
}

export interface FunctionUrlEventContext {
  /** The URL id: `<url-id>.lambda-url.<region>.on.aws`. */
  readonly urlId: string;
  readonly region: string;
  readonly requestId: string;
  readonly now: Date;
}

export interface FunctionUrlEvent {
  readonly version: '2.0';
  readonly routeKey: '$default';
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly requestContext: {
    readonly accountId: 'anonymous';
    readonly apiId: string;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly http: { readonly method: string; readonly path: string; readonly protocol: string; readonly sourceIp: string; readonly userAgent: string };
    readonly requestId: string;
    readonly routeKey: '$default';
    readonly stage: '$default';
    readonly time: string;
    readonly timeEpoch: number;
  };
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

export interface PlainHttpResponse {
  readonly statusCode: number;
  /** Header pairs; `set-cookie` may repeat. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** The function returned something a Function URL cannot turn into HTTP (Lambda answers 502). */
export class InvalidFunctionResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFunctionResultError';
  }
}

const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|yaml|x-yaml|graphql)\b|application\/[^;]*\+(json|xml)\b)/i;

/** Bodies of these types travel as text; everything else (or no type at all) as base64. */
export function isTextContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && TEXT_CONTENT_TYPE.test(contentType.trim());
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
export function formatRequestTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Lower-cased headers with duplicates comma-joined; `cookie` goes to `cookies` instead. */
export function collectHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index].toLowerCase();
    const value = rawHeaders[index + 1];
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((cookie) => cookie.trim()).filter((cookie) => cookie.length > 0));
    } else {
      headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
  }
  return { headers, cookies };
}

/** Decoded query parameters, duplicates comma-joined; undefined when there are none. */
export function parseQueryString(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

export function toFunctionUrlEvent(request: PlainHttpRequest, context: FunctionUrlEventContext): FunctionUrlEvent {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  const domainName = `${context.urlId}.lambda-url.${context.region}.on.aws`;
  // What the Function URL front door adds in AWS.
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(context.now.getTime() / 1000).toString(16)}-${context.requestId.replace(/-/g, '').slice(0, 24)}`;
  const method = request.method.toUpperCase();
  const textBody = isTextContentType(headers['content-type']);
  const hasBody = request.body.length > 0;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(parseQueryString(rawQueryString) ? { queryStringParameters: parseQueryString(rawQueryString) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: context.urlId,
      domainName,
      domainPrefix: context.urlId,
      http: {
        method,
        path: rawPath,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatRequestTime(context.now),
      timeEpoch: context.now.getTime(),
    },
    ...(hasBody ? { body: textBody ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !textBody,
  };
}

/**
 * The function's result -> HTTP. A JSON object with `statusCode` is a structured response;
 * any other valid JSON is inferred as 200 `application/json` with the result as the body.
 */
export function fromFunctionUrlResult(payload: Buffer): PlainHttpResponse {
  const text = payload.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidFunctionResultError(`The function's result is not valid JSON: ${text.slice(0, 200)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('statusCode' in parsed)) {
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: payload };
  }
  const result = parsed as { statusCode: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const statusCode = Number(result.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new InvalidFunctionResultError(`statusCode must be an integer HTTP status (100-599), got ${JSON.stringify(result.statusCode)}.`);
  }
  const headers: Array<[string, string]> = [];
  if (result.headers !== undefined && result.headers !== null) {
    if (typeof result.headers !== 'object' || Array.isArray(result.headers)) {
      throw new InvalidFunctionResultError(`headers must be an object of name -> value, got ${JSON.stringify(result.headers)}.`);
    }
    for (const [name, value] of Object.entries(result.headers as Record<string, unknown>)) headers.push([name.toLowerCase(), String(value)]);
  }
  if (!headers.some(([name]) => name === 'content-type')) headers.push(['content-type', 'application/json']);
  if (result.cookies !== undefined && result.cookies !== null) {
    if (!Array.isArray(result.cookies)) throw new InvalidFunctionResultError(`cookies must be an array of strings, got ${JSON.stringify(result.cookies)}.`);
    for (const cookie of result.cookies) headers.push(['set-cookie', String(cookie)]);
  }
  let bodyText = '';
  if (typeof result.body === 'string') bodyText = result.body;
  else if (result.body !== undefined && result.body !== null) bodyText = JSON.stringify(result.body);
  const body = result.isBase64Encoded === true ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText, 'utf8');
  return { statusCode, headers, body };
}
