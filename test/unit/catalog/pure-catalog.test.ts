// The catalog is a declaration: importing it reads no environment variable and no directory; the
// machine's facts come in through one explicit resolution step (harness/machine-catalog.ts).
import * as path from 'node:path';
import { catalogFor, resolveMachineChoices } from '../../../lambdas/catalog';
import { runProcess, runProcessAllowingFailure } from '../../../harness/process/run-process';
import { codeOfThrown } from '../thrown-code';

const REPO = path.resolve(__dirname, '..', '..', '..');

test('importing the catalog with a bad ANALYSIS_RUNTIME does not fail: nothing is resolved at import', async () => {
  const run = await runProcess(process.execPath, ['--import', 'tsx', '-e', "require('./lambdas/catalog'); console.log('imported')"], {
    cwd: REPO,
    env: { ...process.env, ANALYSIS_RUNTIME: 'python3.12' },
  });
  expect(run.stdout.trim()).toBe('imported');
});

test('a command asked only for --help does not resolve the catalog either', async () => {
  const run = await runProcessAllowingFailure(process.execPath, ['--import', 'tsx', 'harness/cli/inspect.ts', '--help'], {
    cwd: REPO,
    env: { ...process.env, ANALYSIS_RUNTIME: 'python3.12' },
  });
  expect(run.output).toContain('Usage: npm run inspect');
  expect(run.stderr).not.toContain('ANALYSIS_RUNTIME');
});

describe('resolving the machine-dependent choices from explicit facts', () => {
  it('takes python3.11 for analysis when a local CPU torch wheel for CPython 3.11 is on disk', () => {
    const choices = resolveMachineChoices({ env: {}, localWheelFiles: ['torch-2.13.0+cpu-cp311-cp311-linux_x86_64.whl'] });
    expect(choices).toEqual({ ANALYSIS_RUNTIME: 'python3.11', DASHBOARD_PACKAGING: 'zip' });
    expect(catalogFor(choices).find((spec) => spec.name === 'analysis')?.image?.buildArgs).toEqual({ PYTHON_VERSION: '3.11' });
  });

  it('takes python3.13 (PyTorch CPU index) without one, and lets ANALYSIS_RUNTIME decide when set', () => {
    expect(resolveMachineChoices({ env: {}, localWheelFiles: ['torch-2.13.0-cp311-cp311-linux_x86_64.whl'] }).ANALYSIS_RUNTIME).toBe('python3.13');
    expect(resolveMachineChoices({ env: { ANALYSIS_RUNTIME: 'python3.13' }, localWheelFiles: ['torch-2.13.0+cpu-cp311-cp311-linux_x86_64.whl'] }).ANALYSIS_RUNTIME).toBe('python3.13');
  });

  it('names a wrong value and the accepted ones', () => {
    expect(() => resolveMachineChoices({ env: { ANALYSIS_RUNTIME: 'python3.12' }, localWheelFiles: [] })).toThrow("ANALYSIS_RUNTIME must be python3.11 or python3.13, got 'python3.12'.");
    expect(codeOfThrown(() => resolveMachineChoices({ env: { DASHBOARD_PACKAGING: 'tarball' }, localWheelFiles: [] }))).toBe('CONFIGURATION');
    expect(codeOfThrown(() => resolveMachineChoices({ env: { ANALYSIS_RUNTIME: 'python3.12' }, localWheelFiles: [] }))).toBe('CONFIGURATION');
  });
});
