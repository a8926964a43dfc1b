/**
 * The execution environment's sandbox in real containers: CPU in proportion to memory, `/tmp`
 * as ephemeral storage apart from the memory limit and kept across warm invokes, and the
 * difference between the memory limit killing the runtime and someone else doing it.
 */
import { InvokeResult } from '../../../harness/emulator/invoke-result';
import { LaunchSpec } from '../../../harness/emulator/launch-spec';
import { HARNESS_LABEL } from '../../../harness/docker/engine';
import { runProcess } from '../../../harness/process/run-process';
import { emulatorSuite, json } from './emulator-fixtures';

jest.setTimeout(10 * 60_000);

const HANDLERS = {
  'sandbox.py': [
    'import os, time',
    'def cpu(event, context):',
    '    with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as q, open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as p:',
    '        quota = int(q.read()) / int(p.read())',
    '    wall0, cpu0 = time.monotonic(), time.process_time()',
    '    while time.monotonic() - wall0 < event.get("seconds", 1.5): pass',
    '    return {"quota": quota, "share": (time.process_time() - cpu0) / (time.monotonic() - wall0)}',
    'def write_tmp(event, context):',
    '    block = b"x" * (1024 * 1024)',
    '    try:',
    '        with open("/tmp/" + event["name"], "wb") as f:',
    '            for _ in range(event["mb"]): f.write(block)',
    '    except OSError as error:',
    '        return {"error": error.errno}',
    '    return {"written_mb": os.path.getsize("/tmp/" + event["name"]) // (1024 * 1024)}',
    'def read_tmp(event, context):',
    '    st = os.statvfs("/tmp")',
    '    files = {n: os.path.getsize("/tmp/" + n) // (1024 * 1024) for n in os.listdir("/tmp") if not n.startswith("lost")}',
    '    return {"files": files, "size_mb": st.f_blocks * st.f_frsize // (1024 * 1024), "free_mb": st.f_bavail * st.f_frsize // (1024 * 1024)}',
    'def hang(event, context):',
    '    time.sleep(60)',
  ].join('\n'),
};

function payloadOf(result: InvokeResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`expected success, got ${result.errorType}: ${result.errorMessage}`);
  return json(result.payload) as Record<string, unknown>;
}

describe('the sandbox: CPU, /tmp, how an environment died', () => {
  const suite = emulatorSuite(HANDLERS, { timeoutSeconds: 60 });
  const start = (handler: string, functionName: string, overrides: Partial<LaunchSpec> = {}) => suite.start(handler, { functionName, ...overrides });

  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html: 1,769 MB = one vCPU.
  test('a 256 MB function gets 256/1769 = 0.145 of a core, measured', async () => {
    const { emulator } = start('sandbox.cpu', 'sandbox-cpu', { memoryMb: 256 });
    const measured = payloadOf(await emulator.invokeJson({ seconds: 1.5 }));
    expect(measured.quota).toBeCloseTo(256 / 1769, 2);
    // The share a busy loop gets: at most the quota (plus the scheduler's slack), never whole cores.
    expect(measured.share).toBeLessThanOrEqual(0.18);
    expect(measured.share).toBeGreaterThan(0.05);
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html: /tmp is 512 MB by
  // default, apart from memory, and the execution environment keeps it between invokes.
  test('a 256 MB function writes 300 MB to its 512 MB /tmp, and the next warm invoke still sees it', async () => {
    const { emulator } = start('sandbox.write_tmp', 'sandbox-tmp', { memoryMb: 256 });
    const written = await emulator.invokeJson({ name: 'big', mb: 300 });
    expect(payloadOf(written)).toEqual({ written_mb: 300 });
    const full = payloadOf(await emulator.invokeJson({ name: 'more', mb: 300 }));
    expect(full).toEqual({ error: 28 }); // ENOSPC: 600 MB do not fit in 512 MB
    expect(emulator.environmentsCreated).toBe(1);
  });

  test('/tmp is the declared ephemeralStorageMb (1,024 MB here)', async () => {
    const { emulator } = start('sandbox.read_tmp', 'sandbox-tmp-size', { memoryMb: 128, ephemeralStorageMb: 1024 });
    const first = payloadOf(await emulator.invokeJson({}));
    expect(first.size_mb).toBeGreaterThanOrEqual(1024);
    expect(first.size_mb).toBeLessThan(1024 * 1.1);
    expect(first.free_mb).toBeGreaterThanOrEqual(1024);
  });

  // An exit Lambda reports as Runtime.ExitError with its signal; Runtime.OutOfMemory only when the memory limit did it.
  test('docker kill of an environment mid-invoke -> Runtime.ExitError "signal: killed", not OutOfMemory', async () => {
    const { emulator } = start('sandbox.hang', 'sandbox-killed');
    const pending = emulator.invokeJson({});
    const name = await environmentName('sandbox-killed');
    await runProcess('docker', ['kill', name]);
    const result = await pending;
    if (result.ok) throw new Error('expected a failure');
    expect(result.errorType).toBe('Runtime.ExitError');
    expect(result.errorMessage).toMatch(/Runtime exited with error: signal: killed$/);
    expect(result.report.maxMemoryUsedMb).toBeLessThan(256);
  });

  test('docker stop of an environment mid-invoke -> Runtime.ExitError with its signal', async () => {
    const { emulator } = start('sandbox.hang', 'sandbox-stopped');
    const pending = emulator.invokeJson({});
    const name = await environmentName('sandbox-stopped');
    await runProcess('docker', ['stop', '-t', '1', name]);
    const result = await pending;
    if (result.ok) throw new Error('expected a failure');
    expect(result.errorType).toBe('Runtime.ExitError');
    expect(result.errorMessage).toMatch(/Runtime exited with error: signal: (terminated|killed)$/);
  });
});

/** The container of a function's only environment, once it has started its invoke. */
async function environmentName(functionName: string): Promise<string> {
  for (;;) {
    const { stdout } = await runProcess('docker', ['ps', '--filter', `label=${HARNESS_LABEL}.function=${functionName}`, '--format', '{{.Names}}']);
    if (stdout.trim()) return stdout.trim().split('\n')[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
