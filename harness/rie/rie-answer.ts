/**
 * What an answer of AWS's RIE means, read the way RIE gives it (it never sets
 * X-Amz-Function-Error): a function error is HTTP 200 with the runtime's error JSON; a timeout is
 * HTTP 200 with the plain text `Task timed out after N.00 seconds`; a failed init or a runtime
 * that died is HTTP 502 with the init error JSON, or with an empty body and RIE's own error type
 * and message only in its log (`First fatal error stored in appctx: Runtime.ExitError`,
 * `Init failed InvokeID= error=Runtime exited with error: exit status 3`).
 */

/** RIE's plain-text timeout answer (cmd/aws-lambda-rie/handlers.go). */
const TIMEOUT_ANSWER = /^Task timed out after \d+\.\d\d seconds$/;
const FATAL_ERROR_LINE = /\(rapid\) First fatal error stored in appctx: (\S+)/;
const FAILED_LINE = /\(rapid\) (Init|Invoke) failed (?:InvokeID=\S* )?error=(.*?)(?: InvokeID=\S*)?\s*$/;

/** The failure RIE logged for the current invoke, when it logged one. */
export interface RieLoggedFailure {
  /** `Runtime.ExitError` */
  readonly errorType?: string;
  /** `Runtime exited with error: exit status 3` */
  readonly errorMessage?: string;
  /** RIE said `Init failed`: every invoke of this environment fails alike. */
  readonly duringInit: boolean;
}

/** Collects RIE's failure lines from its log, per invoke. */
export class RieFailureLog {
  private failure: { errorType?: string; errorMessage?: string; duringInit: boolean } = { duringInit: false };

  /** Forget what earlier invokes logged. */
  reset(): void {
    this.failure = { duringInit: false };
  }

  read(line: string): void {
    const fatal = FATAL_ERROR_LINE.exec(line);
    if (fatal) this.failure.errorType = fatal[1];
    const failed = FAILED_LINE.exec(line);
    if (failed) {
      if (failed[1] === 'Init') this.failure.duringInit = true;
      // RIE's internal reason for a reset (`errResetReceived`) is not a message for people.
      if (!this.failure.errorMessage && !/^err[A-Z]/.test(failed[2])) this.failure.errorMessage = failed[2];
    }
  }

  get current(): RieLoggedFailure | undefined {
    return this.failure.errorType || this.failure.errorMessage ? { ...this.failure } : undefined;
  }
}

export type RieOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string; readonly trace?: readonly string[]; readonly phase?: 'init' };

/** Reads one answer of RIE's invoke endpoint; `logged` is what RIE logged for it. */
export function interpretRieAnswer(status: number, body: Buffer, logged?: RieLoggedFailure): RieOutcome {
  const text = body.toString('utf8');
  let parsed: { errorType?: unknown; errorMessage?: unknown; stackTrace?: unknown; requestId?: unknown } | undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null) parsed = value as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed.errorType === 'string') {
    // The runtime's own error JSON (awslambdaric), or RIE's (Function.ResponseSizeTooLarge, Runtime.ExitError).
    const trace = Array.isArray(parsed.stackTrace) ? parsed.stackTrace.map(String) : undefined;
    return {
      ok: false, errorType: parsed.errorType, errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : text,
      ...(trace && trace.length > 0 ? { trace } : {}), ...(parsed.requestId === '' || logged?.duringInit ? { phase: 'init' as const } : {}),
    };
  }
  // RIE gives no error type for a timeout, only this text: Lambda's type for it, RIE's message.
  if (status === 200 && TIMEOUT_ANSWER.test(text.trim())) return { ok: false, errorType: 'Sandbox.Timedout', errorMessage: text.trim() };
  if (status === 200) return { ok: true };
  return {
    ok: false,
    errorType: logged?.errorType ?? `RIE.HTTP${status}`,
    errorMessage: logged?.errorMessage ?? (text.trim() || `RIE answered HTTP ${status} with an empty body and logged no error`),
    ...(logged?.duringInit ? { phase: 'init' as const } : {}),
  };
}
