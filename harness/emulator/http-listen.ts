/**
 * The one way the harness's HTTP servers are made, started and stopped (invoke endpoint, Function
 * URL fronts, Runtime APIs, SNS bridge, NewsAPI mock), so no client can knock one over:
 * - header, body and idle timeouts, and a connection limit that evicts the longest-waiting
 *   connection that has not finished sending its request (slow clients starve themselves,
 *   not the others);
 * - request bodies read in one place (`readBody`); a client that hangs up mid-body, a malformed
 *   request or a handler that throws is dropped and logged, never fatal;
 * - request header values must be ASCII (400 otherwise), and `send` never throws on a header
 *   value Node cannot write: it drops that header and logs it.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';

export interface HttpLimits {
  /** Longest time to receive a request's headers. @default $HARNESS_HTTP_HEADERS_TIMEOUT_MS or 10 s */
  readonly headersTimeoutMs: number;
  /** Longest time to receive a whole request (headers and body). @default $HARNESS_HTTP_BODY_TIMEOUT_MS or 60 s */
  readonly bodyTimeoutMs: number;
  /** A connection with no request in progress is closed after this long. @default $HARNESS_HTTP_IDLE_TIMEOUT_MS or 60 s */
  readonly idleTimeoutMs: number;
  /** Open connections at most; beyond it the longest-waiting unfinished one is closed. @default $HARNESS_HTTP_MAX_CONNECTIONS or 512 */
  readonly maxConnections: number;
}

export interface HttpServerProps {
  /** Named in logs and errors, e.g. "Invoke endpoint". */
  readonly what: string;
  /** Overrides of the defaults (which the HARNESS_HTTP_* variables set). @default defaultHttpLimits() */
  readonly limits?: Partial<HttpLimits>;
  /** Where dropped requests and evictions are reported. @default stderr, prefixed with `what` */
  readonly log?: (line: string) => void;
}

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** The client hung up (or timed out) before its request body was complete. */
export class RequestAbortedError extends Error {
  constructor(readonly receivedBytes: number) {
    super(`the client hung up before its request body was complete (${receivedBytes} bytes received)`);
    this.name = 'RequestAbortedError';
  }
}

/** The limits from HARNESS_HTTP_* variables, else the defaults; a bad value is an error naming it. */
export function defaultHttpLimits(env: NodeJS.ProcessEnv = process.env): HttpLimits {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got '${raw}'.`);
    return value;
  };
  return {
    headersTimeoutMs: read('HARNESS_HTTP_HEADERS_TIMEOUT_MS', 10_000),
    bodyTimeoutMs: read('HARNESS_HTTP_BODY_TIMEOUT_MS', 60_000),
    idleTimeoutMs: read('HARNESS_HTTP_IDLE_TIMEOUT_MS', 60_000),
    maxConnections: read('HARNESS_HTTP_MAX_CONNECTIONS', 512),
  };
}

interface Tracked {
  /** When the connection opened or its last response finished. */
  since: number;
  /** The request being handled on it, if any. */
  current?: http.IncomingMessage;
}

const tracked = new WeakMap<net.Socket, Tracked>();
const responseLogs = new WeakMap<http.ServerResponse, (line: string) => void>();

/** Creates a server with the limits above; the handler may be async and may throw. */
export function createHttpServer(props: HttpServerProps, handler: HttpHandler): http.Server {
  const limits = { ...defaultHttpLimits(), ...props.limits };
  const log = rateLimited(props.log ?? ((line) => process.stderr.write(`${line}\n`)));
  const what = props.what;
  const server = http.createServer({
    noDelay: true,
    keepAlive: true,
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.bodyTimeoutMs),
    requestTimeout: limits.bodyTimeoutMs,
    // Node checks the two timeouts above on this interval (default 30 s, too coarse for them).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
  }, (req, res) => {
    const state = tracked.get(req.socket);
    if (state) state.current = req;
    res.once('close', () => {
      if (state && state.current === req) {
        state.current = undefined;
        state.since = Date.now();
      }
    });
    responseLogs.set(res, (line) => log('response', `${what}: ${line}`));
    const bad = nonAsciiHeader(req.rawHeaders);
    if (bad) {
      log('bad-header', `${what}: refused ${req.method} ${req.url}: header '${bad}' is not ASCII`);
      res.shouldKeepAlive = false;
      return send(res, 400, [['content-type', 'application/json'], ['connection', 'close']], JSON.stringify({
        Type: 'User',
        message: `Header '${bad}' has a value with non-ASCII characters; HTTP header values must be ASCII (RFC 9110, section 5.5). Percent-encode or base64-encode the value.`,
      }));
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (error instanceof RequestAbortedError) {
          log('aborted', `${what}: dropped ${req.method} ${req.url}: ${error.message}`);
        } else {
          log('handler', `${what}: ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (!res.headersSent && !res.destroyed && req.socket.writable) {
          send(res, 500, [['content-type', 'application/json']], JSON.stringify({ Type: 'Service', message: `${what} could not handle the request.` }));
        } else {
          res.destroy();
        }
      });
  });
  // Node's own idle-socket destroy is replaced by ours: a request being worked on is never cut.
  server.timeout = 0;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.on('timeout', (socket: net.Socket) => {
    const state = tracked.get(socket);
    if (!state?.current || !state.current.complete) socket.destroy();
  });
  const open = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    if (open.size >= limits.maxConnections && !evictOne(open)) {
      log('refused', `${what}: ${limits.maxConnections} connections busy with requests; refused a new one (HARNESS_HTTP_MAX_CONNECTIONS)`);
      socket.destroy();
      return;
    }
    if (open.size >= limits.maxConnections) {
      log('evicted', `${what}: connection limit ${limits.maxConnections} reached; closed the longest-waiting unfinished connection (HARNESS_HTTP_MAX_CONNECTIONS)`);
    }
    open.add(socket);
    tracked.set(socket, { since: Date.now() });
    socket.setTimeout(limits.idleTimeoutMs);
    socket.once('close', () => open.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: net.Socket) => {
    const code = error.code ?? 'unknown';
    if (code !== 'ECONNRESET') log(`client-${code}`, `${what}: dropped a malformed or incomplete request (${code})`);
    if (!socket.writable || code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}

/** Closes the connection that has waited longest without a complete request; false if none. */
function evictOne(open: ReadonlySet<net.Socket>): boolean {
  let victim: net.Socket | undefined;
  let oldest = Infinity;
  for (const socket of open) {
    const state = tracked.get(socket);
    if (!state || (state.current && state.current.complete)) continue;
    if (state.since < oldest) {
      oldest = state.since;
      victim = socket;
    }
  }
  victim?.destroy();
  return victim !== undefined;
}

function nonAsciiHeader(rawHeaders: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (/[^\t\x20-\x7e]/.test(rawHeaders[i + 1])) return rawHeaders[i];
  }
  return undefined;
}

/** Logs each kind of event at most every 5 s, saying how many were left out meanwhile. */
function rateLimited(log: (line: string) => void): (kind: string, line: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (kind, line) => {
    const now = Date.now();
    const entry = last.get(kind);
    if (entry && now - entry.at < 5000) {
      entry.suppressed++;
      return;
    }
    const more = entry?.suppressed ? ` (and ${entry.suppressed} more like it)` : '';
    last.set(kind, { at: now, suppressed: 0 });
    log(`${line}${more}`);
  };
}

/** Listens and returns the bound port; a taken port is reported with the fix. */
export async function listen(server: http.Server, port: number, host: string, what: string, portOption?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new Error(`${what}: port ${port} on ${host} is already in use. Stop what holds it (\`ss -ltnp | grep :${port}\`) or choose another port${portOption ? ` with ${portOption}` : ''}.`)
        : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: http.Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface ReadBody {
  readonly data: Buffer;
  readonly bytes: number;
  readonly tooLarge: boolean;
}

/**
 * Reads a request body up to `limit` bytes; beyond it, keeps counting but drops the bytes.
 * Rejects with RequestAbortedError when the client hangs up first (the server logs and drops it).
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const abort = () => {
      if (settled) return;
      settled = true;
      req.resume();
      reject(new RequestAbortedError(bytes));
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
    });
    req.once('end', () => {
      if (settled) return;
      settled = true;
      resolve({ data: bytes <= limit ? Buffer.concat(chunks) : Buffer.alloc(0), bytes, tooLarge: bytes > limit });
    });
    req.once('aborted', abort);
    req.once('error', abort);
    req.once('close', () => {
      if (!req.complete) abort();
    });
  });
}

/** Writes a complete response in one go (status, headers as pairs so set-cookie can repeat, body). */
export function send(res: http.ServerResponse, status: number, headers: ReadonlyArray<readonly [string, string]>, body: Buffer | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const flat: string[] = [];
  const dropped: string[] = [];
  for (const [name, value] of headers) {
    // The body's length is ours to state: a function's own content-length would duplicate it.
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    // Node throws on a value it cannot write (non-latin-1, control characters): drop that header, never the server.
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch {
      dropped.push(name);
      continue;
    }
    flat.push(name, value);
  }
  if (dropped.length > 0) responseLogs.get(res)?.(`dropped response header(s) ${dropped.join(', ')}: not a valid HTTP header (names are tokens, values latin-1 without control characters)`);
  flat.push('content-length', String(bytes.length));
  if (res.destroyed) return;
  res.writeHead(status, flat);
  res.end(bytes);
}
