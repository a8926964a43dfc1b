// The watch loop of `emulate --watch` on a real directory with stand-in verifications (real
// builds and containers: test/integration/e2e/emulate-watch.test.ts): only a passing version is
// swapped in, a failing edit keeps the last good one and names Lambda's error type, and edits
// saved during a rebuild make one more rebuild, not one each.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServedFunction } from '../../../harness/pipeline/served-function';
import { VerifiedFunction } from '../../../harness/pipeline/verify-function';
import { describeFailedEdit } from '../../../harness/pipeline/watch-failure';
import { FunctionWatch, WatchOutcome } from '../../../harness/pipeline/watch-function';
import { SwitchableInvoker } from '../../../harness/pipeline/watch-swap';
import { CheckResult, functionReport } from '../../../harness/suite/check-result';

function served(dir: string, hash: string): ServedFunction & { stopped: boolean } {
  const version = {
    stopped: false,
    spec: { name: 'fn', sourceDir: dir },
    artifact: { contentHash: hash.padEnd(64, '0') },
    engine: 'emulator',
    emulator: { functionName: 'fn', invoke: async () => { throw new Error('not invoked here'); }, invokeJson: async () => { throw new Error('not invoked here'); }, stop: async () => undefined },
    async stop() { version.stopped = true; },
  };
  return version as unknown as ServedFunction & { stopped: boolean };
}

const passed: CheckResult = { kind: 'boot', name: 'invoke with {}', passed: true, message: 'ok', durationMs: 1 };
const syntaxError: CheckResult = {
  kind: 'boot', name: 'invoke with {}', passed: false, errorType: 'Runtime.UserCodeSyntaxError', durationMs: 1,
  message: "Syntax error in module 'handler': invalid syntax (handler.py, line 2)",
};

describe('FunctionWatch', () => {
  const dirs: string[] = [];
  const watches: FunctionWatch[] = [];
  afterAll(async () => {
    await Promise.all(watches.map((watch) => watch.close()));
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  /** A watch whose n-th verification ends with `checksFor(n)`, on a new version hashed 'nnnnnnnnnnnn'. */
  function setUp(checksFor: (call: number) => Promise<CheckResult[]>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-function-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'handler.py'), 'v0');
    const first = served(dir, 'aaaaaaaaaaaa');
    const invoker = new SwitchableInvoker(first);
    const lines: string[] = [];
    const outcomes: WatchOutcome[] = [];
    const recorded: VerifiedFunction[] = [];
    const versions: (ServedFunction & { stopped: boolean })[] = [];
    let calls = 0;
    const verify = async (call: number): Promise<VerifiedFunction> => {
      const checks = await checksFor(call);
      const version = served(dir, `${call}`.repeat(12));
      versions.push(version);
      return { report: functionReport('fn', 'base', checks), served: version };
    };
    const watch = new FunctionWatch({
      invoker, log: (line) => lines.push(line), debounceMs: 100,
      reverify: () => verify(++calls),
      onVerified: (verified) => recorded.push(verified),
      onOutcome: (outcome) => outcomes.push(outcome),
    }).start();
    watches.push(watch);
    return { dir, first, invoker, lines, outcomes, recorded, versions, calls: () => calls };
  }

  async function until(condition: () => boolean): Promise<void> {
    for (let waited = 0; !condition(); waited += 50) {
      if (waited > 20_000) throw new Error('timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('swaps in a version that passed and says what it serves', async () => {
    const t = setUp(async () => [passed]);
    fs.writeFileSync(path.join(t.dir, 'handler.py'), 'v1');
    await until(() => t.outcomes.length === 1);
    expect(t.outcomes[0]).toMatchObject({ status: 'serving', files: ['handler.py'] });
    expect(t.invoker.served).toBe(t.versions[0]);
    expect(t.recorded).toHaveLength(1);
    expect(t.lines.join('\n')).toContain('fn: change detected (handler.py) -> rebuilding');
    expect(t.lines.join('\n')).toMatch(/fn: verified in \d+\.\d s, now serving 111111111111/);
    await until(() => t.first.stopped);
  });

  it('keeps the last good version on a failing edit, stops the failed one and prints the error type and the fix', async () => {
    const t = setUp(async () => [syntaxError]);
    fs.writeFileSync(path.join(t.dir, 'handler.py'), 'def broken(:');
    await until(() => t.outcomes.length === 1);
    expect(t.outcomes[0]).toMatchObject({ status: 'rejected', errorType: 'Runtime.UserCodeSyntaxError' });
    expect(t.invoker.served).toBe(t.first);
    expect(t.first.stopped).toBe(false);
    expect(t.versions[0].stopped).toBe(true);
    expect(t.recorded).toHaveLength(0);
    const output = t.lines.join('\n');
    expect(output).toContain('still serving the last good version aaaaaaaaaaaa');
    expect(output).toContain('Runtime.UserCodeSyntaxError');
    expect(output).toContain('handler.py, line 2');
    expect(output).toContain('fix: fix the syntax error');
  });

  it('a build that throws keeps the last good version', async () => {
    const t = setUp(async () => { throw new Error('pip install failed: no matching distribution for nothere'); });
    fs.writeFileSync(path.join(t.dir, 'requirements.txt'), 'nothere');
    await until(() => t.outcomes.length === 1);
    expect(t.outcomes[0]).toMatchObject({ status: 'error' });
    expect(t.invoker.served).toBe(t.first);
    expect(t.lines.join('\n')).toContain('rebuild failed (pip install failed: no matching distribution for nothere); still serving aaaaaaaaaaaa');
  });

  it('edits saved during a rebuild make exactly one more rebuild', async () => {
    let release!: () => void;
    const t = setUp(async (call) => {
      if (call === 1) await new Promise<void>((resolve) => (release = resolve));
      return [passed];
    });
    fs.writeFileSync(path.join(t.dir, 'handler.py'), 'v1');
    await until(() => t.calls() === 1);
    for (const text of ['v2', 'v3']) {
      fs.writeFileSync(path.join(t.dir, 'handler.py'), text);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    fs.writeFileSync(path.join(t.dir, 'other.py'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await until(() => t.outcomes.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(t.calls()).toBe(2);
    expect(t.outcomes[1]).toMatchObject({ status: 'serving', files: ['handler.py', 'other.py'] });
    expect(t.invoker.served.artifact.contentHash.startsWith('222222222222')).toBe(true);
  });
});

describe('describeFailedEdit', () => {
  it('names an ImportModuleError and says to fix the import or add the package', () => {
    const lines = describeFailedEdit(functionReport('fn', 'base', [passed, {
      kind: 'boot', name: 'invoke with {}', passed: false, errorType: 'Runtime.ImportModuleError', durationMs: 1,
      message: "Unable to import module 'handler': No module named 'requests'",
    }]));
    expect(lines.join('\n')).toContain("FAIL boot invoke with {}: Runtime.ImportModuleError\n    Unable to import module 'handler': No module named 'requests'");
    expect(lines[lines.length - 1]).toContain('add the missing package to requirements.txt');
  });

  it('points a failed inspection at its own fix line', () => {
    const lines = describeFailedEdit(functionReport('fn', 'base', [{ kind: 'inspect', name: 'static inspection', passed: false, errorType: 'Inspect.handler-module', message: 'FAIL handler-module: ...\n    fix: add handler.py', durationMs: 1 }]));
    expect(lines[lines.length - 1]).toBe('  fix: static inspection refused the artifact: see its fix above');
  });
});
