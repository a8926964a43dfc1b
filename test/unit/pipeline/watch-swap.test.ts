// The switchable invoker behind `emulate --watch`, with stand-in versions (the real swap of
// containers runs in test/integration/e2e/emulate-watch.test.ts).
import { InvokeResult } from '../../../harness/emulator/invoke-result';
import { ServedFunction } from '../../../harness/pipeline/served-function';
import { SwitchableInvoker } from '../../../harness/pipeline/watch-swap';

const report = { requestId: 'r', durationMs: 1, billedDurationMs: 1, memorySizeMb: 128, maxMemoryUsedMb: 40, coldStart: false, line: 'REPORT' };

/** A stand-in version whose invokes answer with its label once released. */
function version(label: string, name = 'fn') {
  const pending: (() => void)[] = [];
  let stopped = false;
  const served = {
    spec: { name },
    artifact: { contentHash: `${label}`.padEnd(64, '0') },
    engine: 'emulator',
    emulator: {
      functionName: name,
      concurrencyLimit: 3,
      async invoke(): Promise<InvokeResult> {
        if (stopped) throw new Error(`${label} was stopped`);
        await new Promise<void>((resolve) => pending.push(resolve));
        if (stopped) throw new Error(`${label} was stopped mid-invoke`);
        return { ok: true, requestId: 'r', report, payload: Buffer.from(JSON.stringify(label)) };
      },
      invokeJson(): Promise<InvokeResult> { return this.invoke(); },
      async stop() { stopped = true; },
    },
    async stop() { stopped = true; },
  } as unknown as ServedFunction;
  return {
    served,
    releaseAll: () => pending.splice(0).forEach((resolve) => resolve()),
    get inFlight() { return pending.length; },
    get stopped() { return stopped; },
  };
}

const text = (result: InvokeResult) => JSON.parse(result.payload.toString()) as string;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SwitchableInvoker', () => {
  it('sends new invokes to the swapped-in version while in-flight ones finish on the old, then stops the old', async () => {
    const old = version('old');
    const next = version('new');
    const invoker = new SwitchableInvoker(old.served);
    const inFlight = invoker.invoke(Buffer.from('{}'));
    await tick();
    expect(old.inFlight).toBe(1);

    const swapped = invoker.swapTo(next.served);
    expect(invoker.served).toBe(next.served);
    const afterSwap = invoker.invoke(Buffer.from('{}'));
    await tick();
    expect(next.inFlight).toBe(1);
    expect(old.stopped).toBe(false); // still finishing its invoke

    next.releaseAll();
    expect(text(await afterSwap)).toBe('new');
    old.releaseAll();
    expect(text(await inFlight)).toBe('old');
    expect(await swapped).toEqual({ finishedOnPrevious: 1 });
    expect(old.stopped).toBe(true);
    expect(next.stopped).toBe(false);
  });

  it('stops an idle old version at once', async () => {
    const old = version('old');
    const invoker = new SwitchableInvoker(old.served);
    expect(await invoker.swapTo(version('new').served)).toEqual({ finishedOnPrevious: 0 });
    expect(old.stopped).toBe(true);
  });

  it('refuses a version of another function, naming both', async () => {
    const invoker = new SwitchableInvoker(version('old', 'dashboard').served);
    await expect(invoker.swapTo(version('new', 'ingestion').served)).rejects.toThrow(/'ingestion' in place of 'dashboard'/);
  });

  it('stop() stops every version, including one still finishing, and refuses later invokes', async () => {
    const old = version('old');
    const next = version('new');
    const invoker = new SwitchableInvoker(old.served);
    void invoker.invoke(Buffer.from('{}')).catch(() => undefined);
    await tick();
    void invoker.swapTo(next.served);
    await invoker.stop();
    expect(old.stopped).toBe(true);
    expect(next.stopped).toBe(true);
    await expect(invoker.invoke(Buffer.from('{}'))).rejects.toThrow(/no longer served/);
  });

  it('reports the serving function name and concurrency for the fronts', () => {
    const invoker = new SwitchableInvoker(version('old', 'analysis').served);
    expect(invoker.functionName).toBe('analysis');
    expect(invoker.concurrencyLimit).toBe(3);
  });
});
