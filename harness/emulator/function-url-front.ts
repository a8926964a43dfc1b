/**
 * A Function URL on localhost: plain HTTP in, payload format 2.0 event to the function, its
 * result back out as HTTP. CORS preflights are answered here, as AWS answers them, and function
 * failures become a bare 502 like a real Function URL: the client learns nothing of the error;
 * the type and message go to `onFunctionError` (logs, reports).
 */
import * as http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { CorsSpec } from '../../model/function-spec';
import { FunctionUrlAccess, refusalFor } from './function-url-authorization';
import { applyCors, isPreflight, preflightHeaders } from './cors';
import { InvalidFunctionResultError, PlainHttpResponse, collectHeaders, fromFunctionUrlResult, toFunctionUrlEvent } from './function-url-event';
import { InvokeRejectedError, Invoker } from './lambda-emulator';
import { DEFAULT_REGION, MAX_REQUEST_BYTES } from '../../model/lambda-limits';
import { HttpLimits, close, createHttpServer, listen, readBody, send } from './http-listen';

export interface FunctionUrlFrontProps {
  readonly invoker: Invoker;
  /** The catalog's `url.cors[environment]`. @default no CORS (OPTIONS goes to the function) */
  readonly cors?: CorsSpec;
  /** @default 0 (ephemeral) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Used in `requestContext.domainName`. @default AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** The `<url-id>` of the domain name. @default 32 random lower-case characters */
  readonly urlId?: string;
  /** What AWS would answer an anonymous caller, judged from the synthesized stack (403 when refused). @default allowed */
  readonly access?: FunctionUrlAccess;
  /** Called when the function failed behind the URL, or returned what no HTTP response can be (the caller only sees a 502). @default none */
  readonly onFunctionError?: (failure: FunctionUrlFailure) => void;
  /** Timeouts and connection limit. @default defaultHttpLimits() */
  readonly limits?: Partial<HttpLimits>;
  /** Dropped requests and evictions. @default stderr */
  readonly log?: (line: string) => void;
}

/** Why a Function URL answered 502: the Lambda error, or `InvalidFunctionResult`. */
export interface FunctionUrlFailure {
  readonly requestId: string;
  readonly errorType: string;
  readonly errorMessage: string;
}

export class FunctionUrlFront {
  private readonly server: http.Server;
  private readonly host: string;
  private readonly urlId: string;
  private readonly region: string;
  private port = 0;

  constructor(private readonly props: FunctionUrlFrontProps) {
    this.host = props.host ?? '127.0.0.1';
    this.region = props.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
    this.urlId = props.urlId ?? urlIdFrom(randomBytes(32));
    this.server = createHttpServer({ what: `Function URL of '${props.invoker.functionName}'`, limits: props.limits, log: props.log }, (req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    this.port = await listen(this.server, this.props.port ?? 0, this.host, `Function URL of '${this.props.invoker.functionName}'`);
    return this;
  }

  /** `http://127.0.0.1:<port>/` */
  get url(): string {
    return `http://${this.host}:${this.port}/`;
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(req, MAX_REQUEST_BYTES);
    const { headers } = collectHeaders(req.rawHeaders);
    const origin = headers['origin'];
    const common: Array<[string, string]> = [['x-amzn-requestid', requestId]];
    const json = (status: number, payload: unknown, extra: Array<[string, string]> = []) =>
      send(res, status, applyCors([...common, ['content-type', 'application/json'], ...extra], this.props.cors, origin), JSON.stringify(payload));

    const refusal = refusalFor(this.props.access);
    if (refusal) return send(res, refusal.status, [...common, ['content-type', 'application/json'], ['x-amzn-errortype', refusal.errorType]], refusal.body);
    if (this.props.cors && isPreflight(req.method ?? '', headers)) {
      return send(res, 200, [...common, ...preflightHeaders(this.props.cors, headers)], '');
    }
    if (body.tooLarge) return json(413, { Message: `Request must be smaller than ${MAX_REQUEST_BYTES} bytes` });

    const event = toFunctionUrlEvent(
      { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body: body.data,
        sourceIp: normalizeIp(req.socket.remoteAddress), protocol: `HTTP/${req.httpVersion}` },
      { urlId: this.urlId, region: this.region, requestId, now: new Date() },
    );
    let response: PlainHttpResponse;
    try {
      const result = await this.props.invoker.invoke(Buffer.from(JSON.stringify(event)), { requestId });
      if (!result.ok) {
        this.props.onFunctionError?.({ requestId, errorType: result.errorType, errorMessage: result.errorMessage });
        return json(502, { Message: 'Internal Server Error' });
      }
      response = fromFunctionUrlResult(result.payload);
    } catch (error) {
      if (error instanceof InvokeRejectedError) {
        return error.statusCode === 429 ? json(429, { Message: 'Rate Exceeded.' }) : json(413, { Message: error.message });
      }
      if (error instanceof InvalidFunctionResultError) {
        this.props.onFunctionError?.({ requestId, errorType: 'InvalidFunctionResult', errorMessage: error.message });
        return json(502, { Message: 'Internal Server Error' });
      }
      return json(500, { Message: error instanceof Error ? error.message : String(error) });
    }
    send(res, response.statusCode, applyCors([...common, ...response.headers], this.props.cors, origin), response.body);
  }
}

/** Function URL ids are 32 lower-case letters and digits. */
function urlIdFrom(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...bytes.subarray(0, 32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function normalizeIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
