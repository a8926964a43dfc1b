/**
 * The Lambda Runtime API (2018-06-01) for ONE execution environment: the HTTP server the runtime
 * interface client inside the container long-polls for work and posts results to.
 * It knows nothing about containers; the execution environment feeds it invocations.
 */
import * as http from 'node:http';
import { close, createHttpServer, listen, readBody } from './http-listen';
import { MAX_PAYLOAD_BYTES, lambdaErrorBody } from '../../model/lambda-limits';

// Callers that imported the body reader from here before it moved to http-listen.
export { readBody, ReadBody } from './http-listen';

const API = '/2018-06-01/runtime';
const INVOCATION_PATH = new RegExp(`^${API}/invocation/([^/]+)/(response|error)$`);
const ERROR_TYPE_HEADER = 'lambda-runtime-function-error-type';

export interface RuntimeInvocation {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly functionArn: string;
  readonly traceId: string;
  /** JSON text passed as `Lambda-Runtime-Client-Context`. @default none */
  readonly clientContext?: string;
  /** JSON text passed as `Lambda-Runtime-Cognito-Identity`. @default none */
  readonly cognitoIdentity?: string;
}

/** What the runtime answered for one invocation. */
export type InvocationOutcome =
  | { readonly kind: 'response'; readonly body: Buffer; readonly contentType: string; readonly atMs: number }
  | { readonly kind: 'error'; readonly errorType: string; readonly body: Buffer; readonly atMs: number }
  | { readonly kind: 'response-too-large'; readonly bytes: number; readonly atMs: number };

export interface InitError {
  readonly errorType: string;
  /** The error JSON exactly as the runtime posted it (what Lambda returns to the caller). */
  readonly body: Buffer;
}

export interface RuntimeApiServerProps {
  /** Function timeout; sets `Lambda-Runtime-Deadline-Ms` when an invocation is handed out. */
  readonly timeoutMs: number;
  /** @default MAX_PAYLOAD_BYTES (6 MB) */
  readonly maxResponseBytes?: number;
  /** Runtime's `GET /next` (the first one ends init). @default none */
  readonly onNext?: (atMs: number) => void;
  /** An invocation reached the runtime; its deadline starts now. @default none */
  readonly onDelivered?: (requestId: string, atMs: number) => void;
  /** The runtime posted `/init/error`. @default none */
  readonly onInitError?: (error: InitError) => void;
  /** Dropped requests (a runtime that hung up mid-post). @default stderr */
  readonly log?: (line: string) => void;
}

interface Pending {
  readonly invocation: RuntimeInvocation;
  readonly settle: (outcome: InvocationOutcome) => void;
}

export class RuntimeApiServer {
  private readonly server: http.Server;
  private readonly maxResponseBytes: number;
  private queued: Pending | undefined;
  private inFlight: Pending | undefined;
  private waitingNext: http.ServerResponse | undefined;
  private initDone = false;
  private port = 0;
  /** Request ids already answered: a second answer is a state error (403), not an unknown id (400). */
  private readonly answered = new Set<string>();

  constructor(private readonly props: RuntimeApiServerProps) {
    this.maxResponseBytes = props.maxResponseBytes ?? MAX_PAYLOAD_BYTES;
    // The runtime keeps one connection and long-polls on it: a waiting /next is a request in
    // progress, which the shared server never times out; between invokes it may idle a while.
    // It needs a couple of connections, never hundreds.
    this.server = createHttpServer(
      { what: 'Runtime API', log: props.log, limits: { idleTimeoutMs: 10 * 60_000, maxConnections: 32 } },
      (req, res) => this.route(req, res),
    );
  }

  /** Starts listening on 127.0.0.1 on an ephemeral port; returns `127.0.0.1:<port>`. */
  async listen(): Promise<string> {
    this.port = await listen(this.server, 0, '127.0.0.1', 'Runtime API');
    return this.address;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Hands an invocation to the runtime (now, or at its next poll); resolves with its answer. */
  submit(invocation: RuntimeInvocation): Promise<InvocationOutcome> {
    if (this.queued || this.inFlight) {
      throw new Error(`Runtime API: invocation ${invocation.requestId} submitted while ${(this.queued ?? this.inFlight)!.invocation.requestId} is not finished; an environment runs one invoke at a time.`);
    }
    return new Promise((settle) => {
      this.queued = { invocation, settle };
      if (this.waitingNext) this.deliver(this.waitingNext);
    });
  }

  /** Forgets the current invocation (it timed out or the runtime died): late answers get 403. */
  abandon(requestId: string): void {
    if (this.queued?.invocation.requestId === requestId) this.queued = undefined;
    if (this.inFlight?.invocation.requestId === requestId) this.inFlight = undefined;
    this.remember(requestId);
  }

  async close(): Promise<void> {
    this.waitingNext?.destroy();
    this.waitingNext = undefined;
    await close(this.server);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void | Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${API}/invocation/next`) return this.next(res);
    if (req.method === 'POST' && url === `${API}/init/error`) return this.initError(req, res);
    const match = req.method === 'POST' ? INVOCATION_PATH.exec(url) : null;
    if (match) return this.answer(req, res, decodeURIComponent(match[1]), match[2] as 'response' | 'error');
    req.resume();
    reply(res, 404, 'InvalidRequest', `Unknown Runtime API route: ${req.method} ${url}`);
  }

  private next(res: http.ServerResponse): void {
    const atMs = performance.now();
    if (this.waitingNext || this.inFlight) {
      reply(res, 403, 'InvalidStateTransition', this.inFlight
        ? `GET /next while invocation ${this.inFlight.invocation.requestId} has no response or error yet`
        : 'GET /next while another /next is already waiting');
      return;
    }
    this.initDone = true;
    this.props.onNext?.(atMs);
    this.waitingNext = res;
    res.once('close', () => {
      if (this.waitingNext === res) this.waitingNext = undefined;
    });
    if (this.queued) this.deliver(res);
  }

  private deliver(res: http.ServerResponse): void {
    const pending = this.queued!;
    this.queued = undefined;
    this.waitingNext = undefined;
    this.inFlight = pending;
    const { invocation } = pending;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
      'Content-Length': invocation.payload.length,
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(Date.now() + this.props.timeoutMs),
      'Lambda-Runtime-Invoked-Function-Arn': invocation.functionArn,
      'Lambda-Runtime-Trace-Id': invocation.traceId,
    };
    // Header values are bytes, not text: JSON with non-ASCII text goes as \u escapes (same JSON, and
    // Node would throw on anything beyond latin-1 while the runtime waits on /next).
    if (invocation.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = asciiJson(invocation.clientContext);
    if (invocation.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = asciiJson(invocation.cognitoIdentity);
    res.writeHead(200, headers);
    res.end(invocation.payload);
    this.props.onDelivered?.(invocation.requestId, performance.now());
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, requestId: string, kind: 'response' | 'error'): Promise<void> {
    const body = await readBody(req, this.maxResponseBytes);
    const atMs = performance.now();
    const pending = this.inFlight;
    if (!pending || pending.invocation.requestId !== requestId) {
      if (this.answered.has(requestId)) {
        reply(res, 403, 'InvalidStateTransition', `Invocation ${requestId} is already finished (answered, timed out or abandoned)`);
      } else {
        reply(res, 400, 'InvalidRequestID', `Unknown request id ${requestId}: no invocation with this id is in flight`);
      }
      return;
    }
    this.inFlight = undefined;
    this.remember(requestId);
    if (body.tooLarge) {
      reply(res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${this.maxResponseBytes} bytes).`);
      pending.settle({ kind: 'response-too-large', bytes: body.bytes, atMs });
      return;
    }
    res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': 16 });
    res.end('{"status":"OK"}\n');
    if (kind === 'response') {
      pending.settle({ kind: 'response', body: body.data, contentType: String(req.headers['content-type'] ?? 'application/json'), atMs });
    } else {
      pending.settle({ kind: 'error', errorType: errorTypeOf(req, body.data), body: body.data, atMs });
    }
  }

  private async initError(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, this.maxResponseBytes);
    if (this.initDone) {
      reply(res, 403, 'InvalidStateTransition', 'POST /init/error after init finished (the runtime already polled /next)');
      return;
    }
    res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': 16 });
    res.end('{"status":"OK"}\n');
    this.props.onInitError?.({ errorType: errorTypeOf(req, body.data), body: body.data });
  }

  private remember(requestId: string): void {
    this.answered.add(requestId);
    // Bounded: only recent ids can plausibly come back late.
    if (this.answered.size > 256) this.answered.delete(this.answered.values().next().value as string);
  }
}

/** Error type from the header the runtime sets, else from the posted JSON, else `Unhandled`. */
function errorTypeOf(req: http.IncomingMessage, body: Buffer): string {
  const header = req.headers[ERROR_TYPE_HEADER];
  if (typeof header === 'string' && header) return header;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string' && parsed.errorType) return parsed.errorType;
  } catch {
    // not JSON: fall through
  }
  return 'Unhandled';
}

function reply(res: http.ServerResponse, status: number, errorType: string, errorMessage: string): void {
  const body = lambdaErrorBody(errorType, errorMessage);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}

/**
 * JSON text with every non-ASCII character written as a \uXXXX escape: in valid JSON those only
 * occur inside strings, where the escape means the same text. Control characters (JSON whitespace
 * outside strings, invalid inside them) become spaces, which a header value can carry.
 */
export function asciiJson(text: string): string {
  return text
    .replace(/[\x00-\x1f]/g, ' ')
    .replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
