// How the RIE engine reads AWS's Runtime Interface Emulator's answers. The answers and log lines
// below are the ones RIE 1.170.0 (aws-sam-cli wheel) gave for the broken-function corpus
// (test/integration/harness/broken-functions-rie.test.ts runs them for real). The error types are
// Lambda's, as AWS documents them: https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
import { RieFailureLog, interpretRieAnswer } from '../../../harness/rie/rie-answer';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('interpretRieAnswer', () => {
  test('HTTP 200 with a result is a success, even one that looks like an error message', () => {
    expect(interpretRieAnswer(200, json({ ok: true }))).toEqual({ ok: true });
    expect(interpretRieAnswer(200, Buffer.from('"Task timed out after 2.00 seconds, said the function"'))).toEqual({ ok: true });
  });

  test('a function error: HTTP 200 with the runtime error JSON, no header', () => {
    expect(interpretRieAnswer(200, json({ errorMessage: "'order_id'", errorType: 'KeyError', requestId: 'abc', stackTrace: ['  File "/var/task/app.py", line 2'] }))).toEqual({
      ok: false, errorType: 'KeyError', errorMessage: "'order_id'", trace: ['  File "/var/task/app.py", line 2'],
    });
  });

  test('an init error: HTTP 502 with the error JSON the runtime posted at init (empty requestId)', () => {
    const body = json({ errorMessage: "Handler 'handler' missing on module 'app'", errorType: 'Runtime.HandlerNotFound', requestId: '', stackTrace: [] });
    expect(interpretRieAnswer(502, body)).toEqual({ ok: false, errorType: 'Runtime.HandlerNotFound', errorMessage: "Handler 'handler' missing on module 'app'", phase: 'init' });
  });

  test("RIE's own error JSON: response too large, runtime killed", () => {
    expect(interpretRieAnswer(502, json({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' })))
      .toMatchObject({ ok: false, errorType: 'Function.ResponseSizeTooLarge' });
  });

  test('a timeout: HTTP 200 and plain text; reported as Sandbox.Timedout with RIE\'s message', () => {
    expect(interpretRieAnswer(200, Buffer.from('Task timed out after 2.00 seconds'))).toEqual({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 2.00 seconds' });
  });

  test("an empty HTTP 502: RIE's error type and message from its log; without them, the status", () => {
    const log = new RieFailureLog();
    for (const line of [
      '02 Dec 2026 03:27:06,496 [WARNING] (rapid) First fatal error stored in appctx: Runtime.ExitError',
      '02 Dec 2026 03:27:06,497 [WARNING] (rapid) Process runtime-1 exited: exit status 3',
      '02 Dec 2026 03:27:06,497 [ERROR] (rapid) Init failed InvokeID= error=Runtime exited with error: exit status 3',
      '02 Dec 2026 03:27:06,497 [ERROR] (rapid) Invoke failed InvokeID=0e3aea4d-350c-4aab-a4c8-7321099a6cb7 error=Runtime exited with error: exit status 3',
    ]) log.read(line);
    expect(interpretRieAnswer(502, Buffer.alloc(0), log.current)).toEqual({ ok: false, errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: exit status 3', phase: 'init' });
    expect(interpretRieAnswer(502, Buffer.alloc(0))).toEqual({ ok: false, errorType: 'RIE.HTTP502', errorMessage: 'RIE answered HTTP 502 with an empty body and logged no error' });
    log.reset();
    expect(log.current).toBeUndefined();
  });

  test("RIE's internal reset reason is not taken for a message", () => {
    const log = new RieFailureLog();
    log.read('02 Dec 2026 03:27:16,753 [ERROR] (rapid) Invoke failed error=errResetReceived InvokeID=52590b60-e6b1-4232-ae36-8d891abf56c3');
    expect(log.current).toBeUndefined();
  });
});
