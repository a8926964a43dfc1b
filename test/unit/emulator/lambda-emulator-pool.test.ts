/**
 * The pool, queue and concurrency rules of LambdaEmulator, with fake execution environments
 * (no Docker: the containers are mocked, the lifecycle machine is the real one). The same rules
 * run on real containers in test/integration/emulator/concurrency.test.ts.
 *
 * Lambda's rules: https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html (one
 * request at a time per execution environment; a concurrent request gets a new environment up
 * to the concurrency limit, beyond which requests are throttled with 429 TooManyRequestsException)
 * and https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (environments
 * are reused between invokes; one whose runtime failed or timed out is replaced by a new one).
 */
import { InvokeRejectedError, LambdaEmulator, LambdaEmulatorProps } from '../../../harness/emulator/lambda-emulator';
import { InvokeResult } from '../../../harness/emulator/invoke-result';
import { LaunchSpec } from '../../../harness/emulator/launch-spec';
import { FakeEnvironments, settle } from './fake-environment';

const LAUNCH: LaunchSpec = { image: 'fake/runtime:1', command: ['app.handler'], memoryMb: 256, timeoutSeconds: 3, functionName: 'pool-test' };

function pool(props: Partial<LambdaEmulatorProps> = {}, factory = new FakeEnvironments()) {
  const emulator = new LambdaEmulator({ launch: LAUNCH, environmentFactory: factory, ...props });
  return { emulator, factory };
}

function answeredBy(result: InvokeResult): string {
  if (!result.ok) throw new Error(`expected success, got ${result.errorType}`);
  return (JSON.parse(result.payload.toString('utf8')) as { environment: string }).environment;
}

/** Answers whatever is in flight, as each environment's runtime would, until `pending` settles. */
async function answerAll<T>(factory: FakeEnvironments, pending: Promise<T>): Promise<T> {
  let done = false;
  void pending.then(() => (done = true), () => (done = true));
  while (!done) {
    for (const environment of factory.busy) environment.answer();
    await settle();
  }
  return pending;
}

describe('LambdaEmulator pool with fake environments (containers mocked)', () => {
  test('sequential invokes reuse one warm environment: cold, then warm', async () => {
    const { emulator, factory } = pool();
    const results: InvokeResult[] = [];
    for (let index = 0; index < 3; index++) results.push(await answerAll(factory, emulator.invokeJson({ index })));
    expect(results.map(answeredBy)).toEqual(['fake-1', 'fake-1', 'fake-1']);
    expect(results.map((result) => result.report.coldStart)).toEqual([true, false, false]);
    expect(emulator.environmentsCreated).toBe(1);
    expect(emulator.environmentCount).toBe(1);
  });

  test('each concurrent invoke gets its own environment, up to maxEnvironments; the rest queue and reuse a freed one', async () => {
    const { emulator, factory } = pool({ maxEnvironments: 2 });
    const invokes = [0, 1, 2, 3].map((index) => emulator.invokeJson({ index }));
    await settle();
    expect(factory.launched).toHaveLength(2);
    expect(factory.busy).toHaveLength(2);
    expect(factory.launched.map((environment) => environment.requests.length)).toEqual([1, 1]);

    // One environment answers: the oldest queued invoke runs on it, warm; no third environment.
    factory.launched[0].answer();
    await settle();
    expect(factory.launched).toHaveLength(2);
    expect(factory.launched[0].requests.map((request) => JSON.parse(request.payload.toString()).index)).toEqual([0, 2]);

    const results = await answerAll(factory, Promise.all(invokes));
    expect(results.map((result) => JSON.parse(result.payload.toString()).echo.index)).toEqual([0, 1, 2, 3]);
    expect(results.filter((result) => result.report.coldStart)).toHaveLength(2);
    expect(emulator.environmentsCreated).toBe(2);
  });

  test('beyond maxQueuedInvokes waiting, an invoke is throttled: 429 TooManyRequestsException, nothing launched for it', async () => {
    const { emulator, factory } = pool({ maxEnvironments: 1, maxQueuedInvokes: 2 });
    const accepted = [0, 1, 2].map((index) => emulator.invokeJson({ index }));
    await settle();
    const throttled = await emulator.invokeJson({ index: 3 }).catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(InvokeRejectedError);
    expect(throttled).toMatchObject({ statusCode: 429, errorType: 'TooManyRequestsException' });
    expect((throttled as Error).message).toMatch(/1 environments busy and 2 invokes already queued for 'pool-test'/);
    expect(factory.launched).toHaveLength(1);
    // The accepted ones all run, one after the other, on the one environment.
    const results = await answerAll(factory, Promise.all(accepted));
    expect(results.map(answeredBy)).toEqual(['fake-1', 'fake-1', 'fake-1']);
  });

  test('maxQueuedInvokes 0: throttled as soon as every environment is busy', async () => {
    const { emulator, factory } = pool({ maxEnvironments: 1, maxQueuedInvokes: 0 });
    const first = emulator.invokeJson({});
    await settle();
    await expect(emulator.invokeJson({})).rejects.toMatchObject({ statusCode: 429 });
    await answerAll(factory, first);
  });

  test('an environment that timed out is discarded and the next invoke gets a fresh one (cold)', async () => {
    const { emulator, factory } = pool();
    const timingOut = emulator.invokeJson({});
    await settle();
    factory.launched[0].timeOut();
    const timedOut = await timingOut;
    expect(timedOut.ok ? 'ok' : timedOut.errorType).toBe('Sandbox.Timedout');
    await settle();
    expect(factory.launched[0].stopCalls).toBe(1);
    expect(emulator.environmentCount).toBe(0);

    const next = await answerAll(factory, emulator.invokeJson({}));
    expect(answeredBy(next)).toBe('fake-2');
    expect(next.report.coldStart).toBe(true);
  });

  test('a queued invoke gets a fresh environment when the one that frees up is dead', async () => {
    const { emulator, factory } = pool({ maxEnvironments: 1 });
    const crashing = emulator.invokeJson({ index: 0 });
    const queued = emulator.invokeJson({ index: 1 });
    await settle();
    factory.launched[0].crash();
    const crashed = await crashing;
    expect(crashed.ok ? 'ok' : crashed.errorType).toBe('Runtime.ExitError');
    const result = await answerAll(factory, queued);
    expect(answeredBy(result)).toBe('fake-2');
    expect(factory.launched[0].stopCalls).toBe(1);
    expect(emulator.environmentsCreated).toBe(2);
  });

  test('an environment that died while idle is retired on the next invoke and replaced', async () => {
    const { emulator, factory } = pool();
    await answerAll(factory, emulator.invokeJson({}));
    factory.launched[0].crash(); // the runtime exits between invokes
    const result = await answerAll(factory, emulator.invokeJson({}));
    expect(answeredBy(result)).toBe('fake-2');
    expect(factory.launched[0].stopCalls).toBe(1);
    expect(emulator.environmentCount).toBe(1);
  });

  test('perRequest (SAM\'s default): a fresh environment for every invoke, stopped afterwards', async () => {
    const { emulator, factory } = pool({ perRequest: true });
    const results: InvokeResult[] = [];
    for (let index = 0; index < 3; index++) results.push(await answerAll(factory, emulator.invokeJson({ index })));
    await settle();
    expect(results.map(answeredBy)).toEqual(['fake-1', 'fake-2', 'fake-3']);
    expect(results.every((result) => result.report.coldStart)).toBe(true);
    expect(factory.launched.map((environment) => environment.stopCalls)).toEqual([1, 1, 1]);
    expect(emulator.environmentCount).toBe(0);
  });

  test('stop(): queued invokes are rejected, every environment (busy ones too) is stopped, later invokes refused', async () => {
    const { emulator, factory } = pool({ maxEnvironments: 2 });
    await answerAll(factory, emulator.prewarm(1).then(() => undefined));
    const running = [emulator.invokeJson({ index: 0 }), emulator.invokeJson({ index: 1 })];
    const queued = emulator.invokeJson({ index: 2 });
    await settle();
    expect(factory.busy).toHaveLength(2);

    await emulator.stop();
    await expect(queued).rejects.toThrow("The emulator for 'pool-test' was stopped.");
    expect(factory.launched.map((environment) => environment.stopCalls)).toEqual([1, 1]);
    // The invokes in flight end as the environment's exit, as they would with a container.
    for (const result of await Promise.all(running)) expect(result.ok ? 'ok' : result.errorType).toBe('Runtime.ExitError');
    await expect(emulator.invokeJson({})).rejects.toThrow("The emulator for 'pool-test' is stopped.");
    expect(emulator.environmentCount).toBe(0);
  });

  test('stop() while an environment is still being launched stops that one too', async () => {
    const factory = new FakeEnvironments();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const launch = factory.launch.bind(factory);
    factory.launch = async (spec, options) => {
      await gate;
      return launch(spec, options);
    };
    const { emulator } = pool({}, factory);
    const invoke = emulator.invokeJson({}).catch((error: unknown) => error);
    await settle();
    const stopped = emulator.stop();
    release();
    await stopped;
    expect((await invoke as Error).message).toBe("The emulator for 'pool-test' was stopped.");
    expect(factory.launched[0].stopCalls).toBe(1);
    expect(factory.launched[0].requests).toEqual([]);
  });

  test('a launch that fails rejects that invoke with the factory\'s error and frees its slot', async () => {
    const { emulator, factory } = pool({ maxEnvironments: 1 });
    factory.failNextLaunch(new Error('the engine is gone'));
    await expect(emulator.invokeJson({})).rejects.toThrow('the engine is gone');
    expect(emulator.environmentCount).toBe(0);
    const result = await answerAll(factory, emulator.invokeJson({}));
    expect(answeredBy(result)).toBe('fake-1');
  });

  test('prewarm(n) starts n environments ahead (never more than maxEnvironments), and invokes then run warm on them', async () => {
    const { emulator, factory } = pool({ maxEnvironments: 2 });
    await emulator.prewarm(3);
    expect(factory.launched).toHaveLength(2);
    const results = await answerAll(factory, Promise.all([emulator.invokeJson({}), emulator.invokeJson({})]));
    expect(new Set(results.map(answeredBy))).toEqual(new Set(['fake-1', 'fake-2']));
    expect(emulator.environmentsCreated).toBe(2);
  });

  test('the factory gets the launch spec and the log and init-timeout options', async () => {
    const onLog = (): void => undefined;
    const { emulator, factory } = pool({ onLog, initTimeoutMs: 1500 });
    await answerAll(factory, emulator.invokeJson({}));
    expect(factory.launched[0].spec).toBe(LAUNCH);
    expect(factory.options[0]).toEqual({ onLog, initTimeoutMs: 1500 });
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: 6 MB per synchronous request.
  test('a request over 6,291,456 bytes is refused (413) before any environment exists; an empty one becomes {}', async () => {
    const { emulator, factory } = pool();
    await expect(emulator.invoke(Buffer.alloc(6_291_457, 0x20))).rejects.toMatchObject({ statusCode: 413, errorType: 'RequestTooLargeException' });
    expect(factory.launched).toHaveLength(0);
    await answerAll(factory, emulator.invoke(''));
    expect(factory.launched[0].requests[0].payload.toString()).toBe('{}');
  });

  test('maxEnvironments below 1 is refused with the value received', () => {
    expect(() => pool({ maxEnvironments: 0 })).toThrow('maxEnvironments must be an integer >= 1, got 0.');
  });
});
