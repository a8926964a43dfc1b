/**
 * The shape of one conformance case: what AWS documents (with the page), the requests that show
 * it, and a check of the answers. Cases are data; the runner sends them to any engine that has
 * an invoke URL and a Function URL (our emulator, AWS's RIE, Lambda itself).
 */

export type ConformanceArea =
  | 'invoke-api' | 'runtime-api' | 'context' | 'environment' | 'filesystem' | 'limits' | 'lifecycle' | 'function-url';

export interface ConformanceRequest {
  /** `invoke`: POST to the invoke URL; `url`: the Function URL. */
  readonly via: 'invoke' | 'url';
  /** invoke: the JSON event sent as the body (ignored when `body` is set). */
  readonly event?: unknown;
  /** The raw body. @default JSON of `event`, or none */
  readonly body?: string | Buffer;
  /** @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** url: method. @default 'GET' (invoke is always POST) */
  readonly method?: string;
  /** url: path and query (`/event?a=1`); invoke: query (`?Qualifier=7`). @default '' */
  readonly path?: string;
  /** invoke: the function name in the URL instead of `function`. @default 'function' */
  readonly functionName?: string;
}

export interface ConformanceAnswer {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ', ' except set-cookie (see setCookies). */
  readonly headers: Readonly<Record<string, string>>;
  readonly setCookies: readonly string[];
  readonly body: Buffer;
  text(): string;
  /** Parsed JSON body (throws a CaseMismatch when it is not JSON). */
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** What the fixture was deployed with, for checks that name it. */
export interface FixtureFacts {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly handler: string;
}

export interface ConformanceCase {
  /** Stable id, the row key of the comparison table: `invoke-api.no-payload`. */
  readonly id: string;
  readonly area: ConformanceArea;
  /** What AWS documents, in one sentence. */
  readonly documented: string;
  /** The AWS page it comes from. */
  readonly source: string;
  readonly requests: readonly ConformanceRequest[];
  /** Throws CaseMismatch (via `ensure`) when the engine differs. */
  readonly check: (answers: readonly ConformanceAnswer[], fixture: FixtureFacts) => void;
}

/** The engine's answer differs from what AWS documents. */
export class CaseMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseMismatch';
  }
}

export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CaseMismatch(message);
}

export function ensureEqual(actual: unknown, expected: unknown, what: string): void {
  ensure(JSON.stringify(actual) === JSON.stringify(expected), `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
