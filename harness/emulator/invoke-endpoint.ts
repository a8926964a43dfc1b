/**
 * The invoke endpoint of AWS's container-image docs:
 *   curl -XPOST "http://localhost:9000/2015-03-31/functions/function/invocations" -d '{}'
 * `function` names the default (first) function; with several, each answers under its own name.
 * Like Lambda's Invoke API: 200 with the result, or 200 + `X-Amz-Function-Error: Unhandled` and
 * the error JSON when the function failed.
 */
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { InvokeRejectedError, Invoker } from './lambda-emulator';
import { MAX_PAYLOAD_BYTES } from './lambda-limits';
import { HttpLimits, close, createHttpServer, listen, readBody, send } from './http-listen';

const ROUTE = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?(?:\?.*)?$/;

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
}

export class InvokeEndpoint {
  private readonly server: http.Server;
  private readonly host: string;
  private port = 0;

  constructor(private readonly props: InvokeEndpointProps) {
    if (props.functions.length === 0) throw new Error('InvokeEndpoint needs at least one function to serve.');
    this.host = props.host ?? '127.0.0.1';
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

  stop(): Promise<void> {
    return close(this.server);
  }

  private find(name: string): Invoker | undefined {
    if (name === 'function') return this.props.functions[0];
    // Accept a name or an ARN ending in `:function:<name>`, as the Invoke API does.
    const short = name.includes(':function:') ? name.split(':function:')[1].split(':')[0] : name;
    return this.props.functions.find((candidate) => candidate.functionName === short);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const amzRequestId = randomUUID();
    const match = ROUTE.exec(req.url ?? '');
    const body = await readBody(req, MAX_PAYLOAD_BYTES);
    const common: Array<[string, string]> = [['content-type', 'application/json'], ['x-amzn-requestid', amzRequestId]];
    if (!match || req.method !== 'POST') {
      return send(res, 404, [...common, ['x-amzn-errortype', 'UnknownOperationException']],
        JSON.stringify({ Type: 'User', message: `No route for ${req.method} ${req.url}. Use POST /2015-03-31/functions/function/invocations.` }));
    }
    const name = decodeURIComponent(match[1]);
    const invoker = this.find(name);
    if (!invoker) {
      const known = ['function', ...this.props.functions.map((f) => f.functionName)].join(', ');
      return send(res, 404, [...common, ['x-amzn-errortype', 'ResourceNotFoundException']],
        JSON.stringify({ Type: 'User', Message: `Function not found: ${name}. Served here: ${known}.` }));
    }
    if (body.tooLarge) {
      return send(res, 413, [...common, ['x-amzn-errortype', 'RequestEntityTooLargeException']],
        JSON.stringify({ Type: 'User', errorType: 'RequestEntityTooLarge', message: `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation` }));
    }
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType === 'DryRun') return send(res, 204, common, '');
    const clientContextHeader = req.headers['x-amz-client-context'];
    const clientContext = typeof clientContextHeader === 'string' && clientContextHeader
      ? Buffer.from(clientContextHeader, 'base64').toString('utf8') : undefined;
    const invocation = invoker.invoke(body.data, { clientContext });
    if (invocationType === 'Event') {
      // Asynchronous invoke: accepted now, run in the background (errors only reach the logs).
      invocation.catch(() => undefined);
      return send(res, 202, common, '');
    }
    try {
      const result = await invocation;
      const headers: Array<[string, string]> = [...common, ['x-amz-executed-version', '$LATEST']];
      if (!result.ok) headers.push(['x-amz-function-error', 'Unhandled']);
      return send(res, 200, headers, result.payload);
    } catch (error) {
      if (error instanceof InvokeRejectedError) {
        const errorType = error.statusCode === 429 ? 'TooManyRequestsException' : 'RequestEntityTooLargeException';
        return send(res, error.statusCode, [...common, ['x-amzn-errortype', errorType]],
          JSON.stringify({ Type: 'User', errorType: error.errorType, message: error.message }));
      }
      return send(res, 500, [...common, ['x-amzn-errortype', 'ServiceException']],
        JSON.stringify({ Type: 'Service', message: error instanceof Error ? error.message : String(error) }));
    }
  }
}
