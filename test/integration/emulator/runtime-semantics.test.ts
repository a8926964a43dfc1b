/**
 * Lambda's semantics with the real awslambdaric in real containers on the runtime base:
 * results, init errors, handler exceptions, timeouts, payload limits, exits, REPORT lines.
 */
import { InvokeResult } from '../../../harness/emulator/invoke-result';
import { EnvironmentStartError } from '../../../harness/emulator/execution-environment';
import { TestEmulator, emulatorSuite, json } from './emulator-fixtures';

jest.setTimeout(15 * 60_000);

const HANDLERS = {
  'app.py': [
    'import os, time',
    'def ok(event, context):',
    '    return {"echo": event, "requestId": context.aws_request_id, "function": context.function_name}',
    'def raises(event, context):',
    '    raise ValueError("bad input: " + str(event.get("n")))',
    'def sleeps(event, context):',
    '    time.sleep(event.get("seconds", 0))',
    '    return {"slept": event.get("seconds", 0)}',
    'def big(event, context):',
    '    return "x" * (7 * 1024 * 1024)',
    'def allocates(event, context):',
    '    block = bytearray(event["mb"] * 1024 * 1024)',
    '    for i in range(0, len(block), 4096): block[i] = 1',
    '    return {"allocated_mb": event["mb"]}',
    'def exits(event, context):',
    '    os._exit(3)',
  ].join('\n'),
  'needs_fastapi.py': 'import fastapi\ndef handler(event, context):\n    return {}\n',
  'broken_syntax.py': 'def handler(event, context)\n    return {}\n',
  'hangs_at_import.py': 'import time\ntime.sleep(60)\ndef handler(event, context):\n    return {}\n',
};

function expectFailure(result: InvokeResult, errorType: string, message: RegExp): void {
  if (result.ok) throw new Error(`expected ${errorType}, got success: ${result.payload.toString()}`);
  expect(result.errorType).toBe(errorType);
  expect(result.errorMessage).toMatch(message);
  expect(json(result.payload)).toMatchObject({ errorType, errorMessage: result.errorMessage });
}

describe('Lambda semantics on the runtime base (real awslambdaric)', () => {
  const suite = emulatorSuite(HANDLERS);
  const start = (handler: string, timeoutSeconds = 3): TestEmulator => suite.start(handler, { timeoutSeconds });

  test('ok: the JSON result, with the invoke request id inside the handler', async () => {
    const { emulator } = start('app.ok');
    const result = await emulator.invokeJson({ hello: 'world' });
    expect(result.ok).toBe(true);
    expect(json(result.payload)).toEqual({ echo: { hello: 'world' }, requestId: result.requestId, function: 'emulator-test' });
  });

  test('REPORT: Init Duration on the cold invoke only, positive Max Memory Used', async () => {
    const { emulator, logs } = start('app.ok');
    const cold = await emulator.invokeJson({ n: 1 });
    const warm = await emulator.invokeJson({ n: 2 });
    expect(cold.report.coldStart).toBe(true);
    expect(cold.report.initDurationMs).toBeGreaterThan(0);
    expect(warm.report.coldStart).toBe(false);
    expect(warm.report.initDurationMs).toBeUndefined();
    expect(emulator.environmentsCreated).toBe(1);
    const reportOf = (requestId: string) => logs.find((line) => line.startsWith(`REPORT RequestId: ${requestId}`)) ?? '';
    expect(reportOf(cold.requestId)).toMatch(/Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: [1-9]\d* MB\tInit Duration: [\d.]+ ms$/);
    expect(reportOf(warm.requestId)).toMatch(/Max Memory Used: [1-9]\d* MB$/);
    expect(logs).toContain(`START RequestId: ${cold.requestId} Version: $LATEST`);
    expect(logs).toContain(`END RequestId: ${warm.requestId}`);
  });

  test('Max Memory Used follows what the handler allocates; past the memory size -> Runtime.OutOfMemory', async () => {
    const { emulator } = start('app.allocates');
    const small = await emulator.invokeJson({ mb: 1 });
    const large = await emulator.invokeJson({ mb: 100 });
    expect(large.ok).toBe(true);
    expect(large.report.maxMemoryUsedMb).toBeGreaterThanOrEqual(100);
    expect(large.report.maxMemoryUsedMb).toBeGreaterThan(small.report.maxMemoryUsedMb);
    const tooMuch = await emulator.invokeJson({ mb: 400 }); // memory size is 256 MB
    expectFailure(tooMuch, 'Runtime.OutOfMemory', /Runtime exited with error: signal: killed$/);
    expect(tooMuch.report.maxMemoryUsedMb).toBe(256);
    const after = await emulator.invokeJson({ mb: 1 });
    expect(after.ok && after.report.coldStart).toBe(true);
  });

  test('import error -> Runtime.ImportModuleError naming the missing module', async () => {
    const result = await start('needs_fastapi.handler').emulator.invokeJson({});
    expectFailure(result, 'Runtime.ImportModuleError', /^Unable to import module 'needs_fastapi': No module named 'fastapi'$/);
  });

  test('syntax error -> Runtime.UserCodeSyntaxError', async () => {
    const result = await start('broken_syntax.handler').emulator.invokeJson({});
    expectFailure(result, 'Runtime.UserCodeSyntaxError', /Syntax error in module 'broken_syntax'/);
  });

  test('missing handler function -> Runtime.HandlerNotFound', async () => {
    const result = await start('app.not_there').emulator.invokeJson({});
    expectFailure(result, 'Runtime.HandlerNotFound', /Handler 'not_there' missing on module 'app'/);
  });

  test('malformed handler string -> Runtime.MalformedHandlerName', async () => {
    const result = await start('app_without_dot').emulator.invokeJson({});
    expectFailure(result, 'Runtime.MalformedHandlerName', /Bad handler 'app_without_dot'/);
  });

  test('handler raises ValueError -> errorType ValueError with its message and trace', async () => {
    const result = await start('app.raises').emulator.invokeJson({ n: 42 });
    expectFailure(result, 'ValueError', /^bad input: 42$/);
    if (result.ok) return;
    expect(result.trace?.join('\n')).toContain('app.py');
  });

  test('sleeping past a 2 s timeout -> Task timed out; the next invoke succeeds on a fresh environment', async () => {
    const { emulator } = start('app.sleeps', 2);
    const timedOut = await emulator.invokeJson({ seconds: 10 });
    expectFailure(timedOut, 'Sandbox.Timedout', new RegExp(`^RequestId: ${timedOut.requestId} Error: Task timed out after 2.00 seconds$`));
    const next = await emulator.invokeJson({ seconds: 0 });
    expect(next.ok).toBe(true);
    expect(json(next.payload)).toEqual({ slept: 0 });
    expect(next.report.coldStart).toBe(true);
    expect(emulator.environmentsCreated).toBe(2);
  });

  test('response over 6 MB -> Function.ResponseSizeTooLarge', async () => {
    const result = await start('app.big').emulator.invokeJson({});
    expectFailure(result, 'Function.ResponseSizeTooLarge', /exceeded maximum allowed payload size \(6291556 bytes\)/);
  });

  test('runtime process exits mid-invoke -> Runtime.ExitError with the exit status', async () => {
    const result = await start('app.exits').emulator.invokeJson({});
    expectFailure(result, 'Runtime.ExitError', /Runtime exited with error: exit status 3$/);
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: 6 MB (6,291,456 bytes) per synchronous request.
  test('request over 6,291,456 bytes is refused before it reaches the function', async () => {
    const { emulator } = start('app.ok');
    await expect(emulator.invoke(Buffer.alloc(6_291_457, 0x20))).rejects.toMatchObject({ statusCode: 413, errorType: 'RequestTooLargeException' });
    expect(emulator.environmentsCreated).toBe(0);
  });

  test('an init that never reaches /next times out (Sandbox.Timedout) and the environment is discarded', async () => {
    const created = suite.start('hangs_at_import.handler', { timeoutSeconds: 1 }, { initTimeoutMs: 1500 });
    const result = await created.emulator.invokeJson({});
    expectFailure(result, 'Sandbox.Timedout', /Task timed out after 1.00 seconds/);
    expect(created.emulator.environmentCount).toBe(0);
  });

  test('an image that does not exist fails the invoke with how to fix it (not a function error)', async () => {
    const created = suite.start('app.ok', { image: 'sentiment-harness/no-such-image:missing' });
    const failure = created.emulator.invokeJson({});
    await expect(failure).rejects.toBeInstanceOf(EnvironmentStartError);
    await expect(failure).rejects.toThrow(/no-such-image.*\n[\s\S]*npm run images/);
  });
});
