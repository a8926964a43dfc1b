/**
 * The invoke endpoint of AWS's container-image docs:
 *   curl -XPOST "http://localhost:9000/2015-03-31/functions/function/invocations" -d '{}'
 * `function` names the default (first) function; with several, each answers under its own name.
 * It answers as Lambda's Invoke API does (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
 * 200 with the result, or 200 + `X-Amz-Function-Error: Unhandled` and the error JSON when the
 * function failed; 202 for `Event` (queued, retried, dead-lettered: AsyncInvocationQueue); 204 for
 * `DryRun`; 400 InvalidRequestContentException for a body that is not JSON or a client context
 * that is not base64 JSON (the function does not run); 413 RequestTooLargeException over 6 MB
 * (1 MB for `Event`); 404 ResourceNotFoundException for a qualifier other than $LATEST (no
 * versions are published locally); 429 TooManyRequestsException when throttled or the queue is
 * full. `x-amzn-RequestId` is the invocation's request id; `X-Amz-Log-Type: Tail` returns the
 * last 4 KB of the log in `X-Amz-Log-Result`.
 */
import * as http from 'node:http';
import { AsyncInvocationQueue } from './async-invocation-queue';
import { InvokeRejectedError, Invoker } from './lambda-emulator';
import { DEFAULT_REGION, MAX_ASYNC_REQUEST_BYTES, MAX_REQUEST_BYTES, functionArn, newRequestId } from '../../model/lambda-limits';
import { HttpLimits, RequestAbortedError, close, createHttpServer, listen, readBody, send } from './http-listen';

const ROUTE = /^\/2015-03-31\/functions\/([^/?]+)\/invocations\/?(?:\?(.*))?$/;
const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'];

export interface InvokeEndpointProps {
  /** Functions served; the first also answers as `function`. */
  readonly functions: readonly Invoker[];
  /** @default 0 (an ephemeral port; `npm run emulate` uses 9000 like the AWS docs) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Timeouts and connection limit. @default defaultHttpLimits() */
  readonly limits?: Partial<HttpLimits>;
  /** Dropped requests and evictions. @default stderr */
  readonly log?: (line: string) => void;
  /**
   * The asynchronous queue of each function (by function name), shared with its other async
   * sources (SNS, schedule). @default one per function: Lambda's retries, no destination
   */
  readonly asyncQueues?: ReadonlyMap<string, AsyncInvocationQueue>;
}

type Header = [string, string];

/** A request Lambda refuses before running anything. */
class RequestError extends Error {
  constructor(readonly status: number, readonly errorType: string, message: string) {
    super(message);
  }
}

export class InvokeEndpoint {
  private readonly server: http.Server;
  private readonly host: string;
  private readonly queues = new Map<string, AsyncInvocationQueue>();
  private readonly ownQueues: AsyncInvocationQueue[] = [];
  private port = 0;

  constructor(private readonly props: InvokeEndpointProps) {
    if (props.functions.length === 0) throw new Error('InvokeEndpoint needs at least one function to serve.');
    this.host = props.host ?? '127.0.0.1';
    for (const invoker of props.functions) {
      let queue = props.asyncQueues?.get(invoker.functionName);
      if (!queue) {
        queue = new AsyncInvocationQueue({ invoker, concurrency: invoker.concurrencyLimit });
        this.ownQueues.push(queue);
      }
      this.queues.set(invoker.functionName, queue);
    }
    this.server = createHttpServer({ what: 'Invoke endpoint', limits: props.limits, log: props.log }, (req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    this.port = await listen(this.server, this.props.port ?? 0, this.host, 'Invoke endpoint', '--port');
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The invocations URL of a function (`function` = the default one). */
  invocationsUrl(name = 'function'): string {
    return `${this.url}/2015-03-31/functions/${encodeURIComponent(name)}/invocations`;
  }

  /** The asynchronous queue `Event` invokes of this function go to. */
  asyncQueue(functionName: string): AsyncInvocationQueue | undefined {
    return this.queues.get(functionName);
  }

  async stop(): Promise<void> {
    for (const queue of this.ownQueues) queue.stop();
    await close(this.server);
  }

  private find(name: string): { invoker?: Invoker; qualifier?: string } {
    // A name, `function`, or an ARN / partial ARN `...:function:<name>[:<qualifier>]`, as the Invoke API takes.
    let short = name;
    let qualifier: string | undefined;
    if (name.includes(':function:')) [short, qualifier] = name.split(':function:')[1].split(':');
    else if (name.includes(':')) [short, qualifier] = name.split(':');
    if (short === 'function') return { invoker: this.props.functions[0], qualifier };
    return { invoker: this.props.functions.find((candidate) => candidate.functionName === short), qualifier };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const common: Header[] = [['content-type', 'application/json'], ['x-amzn-requestid', requestId]];
    const refuse = (status: number, errorType: string, message: string) =>
      send(res, status, [...common, ['x-amzn-errortype', errorType]], JSON.stringify({ Type: 'User', message }));
    try {
      const match = ROUTE.exec(req.url ?? '');
      const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      const limit = invocationType === 'Event' ? MAX_ASYNC_REQUEST_BYTES : MAX_REQUEST_BYTES;
      const body = await readBody(req, limit);
      if (!match || req.method !== 'POST') {
        return refuse(404, 'UnknownOperationException', `No route for ${req.method} ${req.url}. Use POST /2015-03-31/functions/function/invocations.`);
      }
      const name = decodeURIComponent(match[1]);
      const { invoker, qualifier: nameQualifier } = this.find(name);
      if (!invoker) {
        const known = ['function', ...this.props.functions.map((f) => f.functionName)].join(', ');
        return refuse(404, 'ResourceNotFoundException', `Function not found: ${name}. Served here: ${known}.`);
      }
      const qualifier = new URLSearchParams(match[2] ?? '').get('Qualifier') ?? nameQualifier;
      if (qualifier !== undefined && qualifier !== '$LATEST') {
        const arn = `${functionArn(invoker.functionName, process.env.AWS_REGION ?? DEFAULT_REGION)}:${qualifier}`;
        return refuse(404, 'ResourceNotFoundException', `Function not found: ${arn} (no versions or aliases are published locally; use $LATEST or no Qualifier).`);
      }
      if (!INVOCATION_TYPES.includes(invocationType)) {
        return refuse(400, 'InvalidParameterValueException', `X-Amz-Invocation-Type must be one of ${INVOCATION_TYPES.join(', ')}, got '${invocationType}'.`);
      }
      if (body.tooLarge) {
        return refuse(413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
      }
      const payload = validPayload(body.data);
      const clientContext = validClientContext(req.headers['x-amz-client-context']);
      if (invocationType === 'DryRun') return send(res, 204, common, '');
      if (invocationType === 'Event') {
        // Lambda passes the client context to synchronous invocations only.
        this.queues.get(invoker.functionName)!.enqueue(payload, requestId);
        return send(res, 202, common, '');
      }
      const tailLog = String(req.headers['x-amz-log-type'] ?? 'None') === 'Tail';
      const result = await invoker.invoke(payload, { requestId, clientContext, tailLog });
      const headers: Header[] = [...common, ['x-amz-executed-version', '$LATEST']];
      if (!result.ok) headers.push(['x-amz-function-error', 'Unhandled']);
      if (tailLog && result.logTail !== undefined) headers.push(['x-amz-log-result', Buffer.from(result.logTail, 'utf8').toString('base64')]);
      return send(res, 200, headers, result.payload);
    } catch (error) {
      // A client that went away mid-body: the server's handler wrapper logs and drops it.
      if (error instanceof RequestAbortedError) throw error;
      if (error instanceof RequestError) return refuse(error.status, error.errorType, error.message);
      if (error instanceof InvokeRejectedError) return refuse(error.statusCode, error.errorType, error.message);
      if (res.headersSent) return undefined;
      return send(res, 500, [...common, ['x-amzn-errortype', 'ServiceException']],
        JSON.stringify({ Type: 'Service', message: error instanceof Error ? error.message : String(error) }));
    }
  }
}

/** The payload must be JSON; an empty one is `{}` (what Lambda passes). */
function validPayload(data: Buffer): Buffer {
  if (data.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new RequestError(400, 'InvalidRequestContentException',
      `Could not parse request body into json: ${error instanceof Error ? error.message : String(error)}`);
  }
  return data;
}

/**
 * `X-Amz-Client-Context` is base64 of a JSON object. The runtime gets it as JSON text in a
 * header, re-serialized in ASCII (\u escapes) so any text survives the HTTP header.
 */
function validClientContext(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const text = Array.isArray(header) ? header.join(',') : header;
  const invalid = () => new RequestError(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  return JSON.stringify(parsed).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
