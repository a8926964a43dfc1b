/**
 * The boot check: the artifact, booted as deployed, is invoked through the Runtime API with its
 * real handler, once per test event, and must answer the way Lambda would let it.
 *
 * Failures carry Lambda's own error type, as the emulator and the real awslambdaric report it:
 * Runtime.ImportModuleError, Runtime.UserCodeSyntaxError, Runtime.HandlerNotFound,
 * Runtime.MalformedHandlerName (awslambdaric, posted to /init/error or /invocation/error),
 * Runtime.ExitError and Runtime.OutOfMemory (the runtime process died), Sandbox.Timedout and
 * Function.ResponseSizeTooLarge (the emulator enforcing the function's timeout and the 6 MB limit).
 *
 * With no event at all the function is invoked once with `{}`: a Lambda-level failure there fails
 * (no event can make such a function run), while an exception the handler's own code raises on
 * that placeholder is only a warning, since the handler may rightly reject an event it never gets.
 */
import { TestEvent } from '../../model/function-spec';
import { InvokeResult } from '../emulator/invoke-result';
import { InvokeRejectedError } from '../emulator/lambda-emulator';
import { CheckResult, timedCheck } from '../suite/check-result';
import { preview } from '../suite/expect-json';

/** What the boot check needs of a served function. */
export interface BootInvoker {
  invokeJson(event: unknown): Promise<InvokeResult>;
}

export const PLACEHOLDER_EVENT_NAME = 'invoke with {} (no test event given)';

/** Error types Lambda itself reports (the runtime, the sandbox, the service), never the function's code. */
const LAMBDA_ERROR_TYPE = /^(Runtime|Sandbox|Function)\./;

type Failure = Pick<Extract<InvokeResult, { ok: false }>, 'ok' | 'errorType' | 'errorMessage' | 'trace' | 'phase'>;
type Answer = { readonly ok: true; readonly payload: Buffer } | Failure;

export function isLambdaLevelFailure(result: Failure): boolean {
  return LAMBDA_ERROR_TYPE.test(result.errorType) || result.phase === 'init';
}

/** One check per event, or the placeholder `{}` check when there is none. */
export async function runBootChecks(invoker: BootInvoker, events: readonly TestEvent[]): Promise<CheckResult[]> {
  if (events.length === 0) return [await placeholderCheck(invoker)];
  const checks: CheckResult[] = [];
  for (const event of events) checks.push(await eventCheck(invoker, event));
  return checks;
}

function eventCheck(invoker: BootInvoker, testEvent: TestEvent): Promise<CheckResult> {
  return timedCheck('boot', `invoke with ${testEvent.name}`, async () => {
    const result = await invoke(invoker, testEvent.event);
    if (!result.ok) return { passed: false, errorType: result.errorType, message: failureMessage(result) };
    const payload = result.payload.toString('utf8');
    const status = httpStatusOf(payload);
    if (status !== undefined) {
      const expected = testEvent.expectStatus;
      if (expected !== undefined ? status !== expected : status >= 500) {
        return {
          passed: false,
          message: `the function answered HTTP ${status}${expected !== undefined ? `, expected ${expected}` : ''}: ${preview(payload)}`,
        };
      }
    }
    return { passed: true, message: `succeeded${status !== undefined ? ` (HTTP ${status})` : ''}: ${preview(payload, 160)}` };
  });
}

function placeholderCheck(invoker: BootInvoker): Promise<CheckResult> {
  return timedCheck('boot', PLACEHOLDER_EVENT_NAME, async () => {
    const result = await invoke(invoker, {});
    if (result.ok) return { passed: true, message: `succeeded: ${preview(result.payload.toString('utf8'), 160)}` };
    if (isLambdaLevelFailure(result)) return { passed: false, errorType: result.errorType, message: failureMessage(result) };
    return {
      passed: true,
      message: `the handler ran and raised ${result.errorType} on the placeholder event {}`,
      warning:
        `the handler raised ${result.errorType} on the placeholder event {}: ${firstLine(result.errorMessage)}\n` +
        'It booted and its handler ran, but no real event was tried: pass one with --event <file.json | JSON> ' +
        "(repeatable), or declare `events` for it in the catalog, so verify checks it runs.",
    };
  });
}

/** The emulator's own refusals (payload over 6 MB, throttling) read as the Lambda errors they are. */
async function invoke(invoker: BootInvoker, event: unknown): Promise<Answer> {
  try {
    return await invoker.invokeJson(event);
  } catch (error) {
    if (!(error instanceof InvokeRejectedError)) throw error;
    return { ok: false, errorType: error.errorType, errorMessage: error.message };
  }
}

function failureMessage(result: Failure): string {
  const trace = (result.trace ?? []).map((line) => line.trimEnd()).filter(Boolean).slice(-8);
  const phase = result.phase === 'init' ? ' (during init: every invoke fails alike)' : '';
  return `${result.errorMessage}${phase}${trace.length > 0 ? `\n${trace.join('\n')}` : ''}`;
}

/** The `statusCode` of a Function URL / API Gateway style result, when it is one. */
function httpStatusOf(payload: string): number | undefined {
  try {
    const parsed = JSON.parse(payload) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { statusCode?: unknown }).statusCode === 'number') {
      return (parsed as { statusCode: number }).statusCode;
    }
  } catch {
    // not JSON: not an HTTP result
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}
