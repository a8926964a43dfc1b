/**
 * What one invoke returns, and Lambda's START / END / REPORT log lines for it.
 */

export interface InvokeReport {
  readonly requestId: string;
  /** Handler time: invocation handed to the runtime -> its response/error (ms, 2 decimals). */
  readonly durationMs: number;
  /** Duration rounded up to the next whole ms, as Lambda bills it. */
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  /** Peak memory of the execution environment so far, in MB (0 when the container was gone). */
  readonly maxMemoryUsedMb: number;
  /** Container start -> the runtime's first `GET /next`; only on the invoke that created the environment. */
  readonly initDurationMs?: number;
  /** True when this invoke created its execution environment. */
  readonly coldStart: boolean;
  /** The REPORT line as Lambda prints it. */
  readonly line: string;
}

interface InvokeResultCommon {
  readonly requestId: string;
  readonly report: InvokeReport;
}

export interface InvokeSuccess extends InvokeResultCommon {
  readonly ok: true;
  /** The function's result as the runtime posted it (JSON text for Python handlers). */
  readonly payload: Buffer;
}

export interface InvokeFailure extends InvokeResultCommon {
  readonly ok: false;
  /** `ValueError`, `Runtime.ImportModuleError`, `Sandbox.Timedout`, `Function.ResponseSizeTooLarge`... */
  readonly errorType: string;
  readonly errorMessage: string;
  /** Stack trace lines the runtime reported. @default none */
  readonly trace?: readonly string[];
  /** 'init' when the environment failed before any handler ran (every invoke would fail alike). @default 'invoke' */
  readonly phase?: 'init' | 'invoke';
  /** The error JSON Lambda returns to the caller. */
  readonly payload: Buffer;
}

export type InvokeResult = InvokeSuccess | InvokeFailure;

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export function buildReport(fields: Omit<InvokeReport, 'line' | 'billedDurationMs'>): InvokeReport {
  const durationMs = Math.round(fields.durationMs * 100) / 100;
  const billedDurationMs = Math.max(1, Math.ceil(durationMs));
  const initDurationMs = fields.initDurationMs === undefined ? undefined : Math.round(fields.initDurationMs * 100) / 100;
  let line =
    `REPORT RequestId: ${fields.requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedDurationMs} ms\t` +
    `Memory Size: ${fields.memorySizeMb} MB\tMax Memory Used: ${fields.maxMemoryUsedMb} MB`;
  if (initDurationMs !== undefined) line += `\tInit Duration: ${initDurationMs.toFixed(2)} ms`;
  return { ...fields, durationMs, billedDurationMs, initDurationMs, line };
}

/** Reads `errorMessage` / `stackTrace` from an error JSON the runtime posted, tolerating anything. */
export function parseErrorPayload(payload: Buffer): { errorMessage?: string; trace?: string[] } {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { errorMessage?: unknown; stackTrace?: unknown };
    return {
      errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : undefined,
      trace: Array.isArray(parsed.stackTrace) ? parsed.stackTrace.map(String) : undefined,
    };
  } catch {
    return {};
  }
}
