// The boot check's verdicts on invoke results, with a stand-in invoker (the real emulator and
// awslambdaric run in test/integration/harness/broken-functions.test.ts).
import { InvokeResult } from '../../../harness/emulator/invoke-result';
import { InvokeRejectedError } from '../../../harness/emulator/lambda-emulator';
import { PLACEHOLDER_EVENT_NAME, runBootChecks } from '../../../harness/pipeline/boot-check';
import { FUNCTION_URL_HEALTH_EVENT } from '../../../lambdas/test-events';

const report = { requestId: 'r', durationMs: 1, billedDurationMs: 1, memorySizeMb: 128, maxMemoryUsedMb: 40, coldStart: true, line: 'REPORT' };
const success = (payload: unknown): InvokeResult => ({ ok: true, requestId: 'r', report, payload: Buffer.from(JSON.stringify(payload)) });
const failure = (errorType: string, errorMessage: string, phase?: 'init'): InvokeResult =>
  ({ ok: false, requestId: 'r', report, errorType, errorMessage, phase, payload: Buffer.from('{}') });
const invoker = (answer: InvokeResult | Error) => ({
  events: [] as unknown[],
  async invokeJson(event: unknown) {
    this.events.push(event);
    if (answer instanceof Error) throw answer;
    return answer;
  },
});

describe('boot check without a test event', () => {
  it('invokes {} once and passes when it succeeds', async () => {
    const fake = invoker(success({ ok: true }));
    const [check] = await runBootChecks(fake, []);
    expect(fake.events).toEqual([{}]);
    expect(check).toMatchObject({ kind: 'boot', name: PLACEHOLDER_EVENT_NAME, passed: true });
    expect(check.warning).toBeUndefined();
  });

  it.each(['Runtime.ImportModuleError', 'Runtime.UserCodeSyntaxError', 'Runtime.HandlerNotFound', 'Runtime.ExitError', 'Sandbox.Timedout', 'Function.ResponseSizeTooLarge', 'Runtime.OutOfMemory'])(
    'a Lambda-level %s fails with that error type', async (errorType) => {
      const [check] = await runBootChecks(invoker(failure(errorType, 'the message')), []);
      expect(check).toMatchObject({ passed: false, errorType });
      expect(check.message).toContain('the message');
    });

  it('an exception raised by an init that ran user code fails even when its type is the code\'s own', async () => {
    const [check] = await runBootChecks(invoker(failure('RuntimeError', 'DYNAMODB_TABLE is not set', 'init')), []);
    expect(check).toMatchObject({ passed: false, errorType: 'RuntimeError' });
    expect(check.message).toContain('during init');
  });

  it("the handler's own exception on the placeholder is a warning naming the type and suggesting --event", async () => {
    const [check] = await runBootChecks(invoker(failure('KeyError', "'order_id'")), []);
    expect(check.passed).toBe(true);
    expect(check.warning).toContain('KeyError');
    expect(check.warning).toContain('--event');
  });
});

describe('boot check with test events', () => {
  it('a given event that raises fails with the exception type', async () => {
    const [check] = await runBootChecks(invoker(failure('KeyError', "'order_id'")), [{ name: 'order', event: { x: 1 } }]);
    expect(check).toMatchObject({ passed: false, errorType: 'KeyError', name: 'invoke with order' });
  });

  it('invokes every event, in order', async () => {
    const fake = invoker(success({ status: 'ok' }));
    const checks = await runBootChecks(fake, [{ name: 'a', event: { a: 1 } }, { name: 'b', event: { b: 2 } }]);
    expect(fake.events).toEqual([{ a: 1 }, { b: 2 }]);
    expect(checks.map((c) => c.passed)).toEqual([true, true]);
  });

  it('a Function URL event answered with another status than expected fails', async () => {
    const [check] = await runBootChecks(invoker(success({ statusCode: 500, body: 'Internal Server Error' })), [FUNCTION_URL_HEALTH_EVENT]);
    expect(check.passed).toBe(false);
    expect(check.message).toContain('HTTP 500, expected 200');
  });

  it('an event over the 6 MB request limit fails as Lambda refuses it', async () => {
    const [check] = await runBootChecks(invoker(new InvokeRejectedError(413, 'RequestEntityTooLarge', 'Request must be smaller')), [{ name: 'huge', event: {} }]);
    expect(check).toMatchObject({ passed: false, errorType: 'RequestEntityTooLarge' });
  });
});
