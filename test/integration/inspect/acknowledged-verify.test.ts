/**
 * An acknowledged inspection fail through the real verify of one function: the inspect check
 * passes and lists the finding with its reason (what verify.json carries), the function boots
 * anyway, and the boot check still fails with Lambda's own error when the finding was real.
 * Real pip in the build image (cp312 wheels for a python3.13 function, seed 001), real
 * awslambdaric in a container.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { adHocFunction } from '../../../harness/pipeline/ad-hoc-function';
import { verifyFunction } from '../../../harness/pipeline/verify-function';
import { CheckResult, FunctionReport } from '../../../harness/suite/check-result';

jest.setTimeout(15 * 60 * 1000);

function check(report: FunctionReport, kind: CheckResult['kind']): CheckResult {
  const found = report.checks.find((candidate) => candidate.kind === kind);
  if (!found) throw new Error(`no ${kind} check in ${JSON.stringify(report.checks.map((candidate) => candidate.name))}`);
  return found;
}

describe('verify with an acknowledged inspection finding', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureDockerEngine();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acknowledged-'));
    fs.writeFileSync(path.join(dir, 'app.py'), 'import pydantic_core\ndef handler(event, context):\n    return {"v": pydantic_core.__version__}\n');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'pydantic-core==2.41.5\n');
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const reason = 'testing that an acknowledged fail is still caught by the boot check';
  const verify = async (rules: readonly string[]): Promise<FunctionReport> => {
    const spec = { ...adHocFunction({ dir, handler: 'app.handler' }), acknowledgements: rules.map((rule) => ({ rule, reason })) };
    const base = await resolveRuntimeBase('python3.13', spec.architecture, 'standin');
    const verified = await verifyFunction({
      spec, base, log: (line) => process.stderr.write(`${line}\n`),
      requirements: { platform: 'manylinux2014_x86_64', pythonVersion: '3.12' },
    });
    return verified.report;
  };

  test('an acknowledgement covers its own rule only: the other fail still stops verify before the boot', async () => {
    const report = await verify(['extension-abi']);
    expect(check(report, 'inspect')).toMatchObject({
      passed: false,
      errorType: 'Inspect.wheel-tags',
      acknowledged: [{ rule: 'extension-abi', level: 'fail', message: expect.stringContaining('built for cp312, runtime is python3.13'), reason }],
    });
    expect(report.checks.some((candidate) => candidate.kind === 'boot')).toBe(false);
  });

  test('with both findings acknowledged the inspect check passes and lists them; the boot still fails as Lambda would', async () => {
    const report = await verify(['extension-abi', 'wheel-tags']);
    const inspect = check(report, 'inspect');
    expect(inspect.passed).toBe(true);
    expect(inspect.acknowledged?.map((finding) => [finding.rule, finding.level, finding.reason])).toEqual([
      ['extension-abi', 'fail', reason], ['wheel-tags', 'fail', reason],
    ]);
    expect(inspect.message).toMatch(/^ACKNOWLEDGED fail extension-abi: /m);
    // Acknowledging a finding does not make it harmless: the runtime refuses the wheels.
    expect(check(report, 'boot')).toMatchObject({ passed: false, errorType: 'Runtime.ImportModuleError' });
    expect(report.passed).toBe(false);
  });
});
