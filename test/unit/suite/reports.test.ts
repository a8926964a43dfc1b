import { formatConsoleReport } from '../../../harness/report/console-report';
import { formatJunitReport } from '../../../harness/report/junit-report';
import { functionReport, stoppedRunReport, timedCheck, verifyReport } from '../../../harness/suite/check-result';
import { ConfigurationError } from '../../../model/error-codes';
import { DockerUnavailableError } from '../../../harness/docker/engine';

const failing = functionReport('dashboard', 'stand-in lambda-standin/python:3.13', [
  { kind: 'health', name: 'GET /health -> 200 JSON', passed: false, errorType: 'Runtime.ImportModuleError',
    message: "Unable to import module 'handler': No module named 'fastapi'", durationMs: 812 },
  { kind: 'import', name: 'import mangum', passed: true, message: 'imported', durationMs: 40 },
], { kind: 'zip', hash: 'ab'.repeat(32), bytes: 2048, reference: '.work/artifacts/dashboard/x.zip', cacheHit: false });
const report = verifyReport('2026-11-22T00:00:00.000Z', 1500, [failing]);

describe('reports', () => {
  it('console report shows the Lambda error type and message of a failed check', () => {
    const text = formatConsoleReport(report);
    expect(text).toContain('errorType:    Runtime.ImportModuleError');
    expect(text).toContain("errorMessage: Unable to import module 'handler': No module named 'fastapi'");
    expect(text).toContain('FAIL dashboard: zip .work/artifacts/dashboard/x.zip (2.0 KiB, hash abababababab)');
    expect(text).toContain('FAILED: dashboard (1 of 1); codes: FUNCTION_FAILURE.');
  });

  it('JUnit XML carries one failure typed by its code, the Lambda error type in its message, escaped', () => {
    const xml = formatJunitReport(report);
    expect(xml).toContain('<testsuites name="verify" tests="2" failures="1"');
    expect(xml).toContain(`<failure type="FUNCTION_FAILURE" message="Runtime.ImportModuleError: Unable to import module 'handler': No module named 'fastapi'">errorType: Runtime.ImportModuleError\n`);
    expect(xml).toContain('<property name="failureCodes" value="FUNCTION_FAILURE"/>');
    expect(formatJunitReport({ ...report, functions: [functionReport('x<y', 'b', [])] })).toContain('<testsuite name="x&lt;y"');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
  });

  it('a deployed target is named by its URL, not by a hash and size', () => {
    const remote = functionReport('dashboard', 'deployed Function URL https://x.lambda-url.eu-west-1.on.aws', [], {
      kind: 'remote', hash: 'https://x.lambda-url.eu-west-1.on.aws/', bytes: 0, reference: 'https://x.lambda-url.eu-west-1.on.aws/', cacheHit: false });
    expect(formatConsoleReport({ ...report, functions: [remote] })).toContain('FAIL dashboard: deployed https://x.lambda-url.eu-west-1.on.aws/; base:');
  });

  it('a warning shows as WARN in the table, below it, in the summary, in verify.json\'s warnings and in JUnit, without failing', () => {
    const warned = functionReport('my-fn', 'b', [
      { kind: 'boot', name: 'invoke with {} (no test event given)', passed: true, message: 'raised', durationMs: 3,
        warning: 'the handler raised KeyError on the placeholder event {}: \'order_id\'\nGive it a real event with --event' },
    ]);
    expect(warned).toMatchObject({ passed: true, warnings: [expect.stringContaining('invoke with {} (no test event given): the handler raised KeyError')] });
    const text = formatConsoleReport({ ...report, passed: true, functions: [warned] });
    expect(text).toMatch(/boot: invoke with \{\} \(no test event given\)\s+WARN\s+3\s+the handler raised KeyError/);
    expect(text).toContain('! WARNING boot: invoke with {} (no test event given)');
    expect(text).toMatch(/All 1 function\(s\) passed in 1\.5 s, with 1 warning\(s\)\./);
    const xml = formatJunitReport({ ...report, passed: true, functions: [warned] });
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('<system-out>WARNING: the handler raised KeyError');
  });

  it('a run stopped by an error reports its code in verify.json and as one failed JUnit case', () => {
    const stopped = stoppedRunReport('2026-11-22T00:00:00.000Z', 30, new DockerUnavailableError('connect ECONNREFUSED 127.0.0.1:1'));
    expect(stopped).toMatchObject({ passed: false, failureCodes: ['ENVIRONMENT_UNAVAILABLE'], functions: [], stoppedBy: { code: 'ENVIRONMENT_UNAVAILABLE' } });
    const xml = formatJunitReport(stopped);
    expect(xml).toContain('<testsuites name="verify" tests="1" failures="1"');
    expect(xml).toMatch(/<testcase classname="verify" name="run" time="0\.030">\n {6}<failure type="ENVIRONMENT_UNAVAILABLE" message="/);
    expect(stoppedRunReport('t', 1, new ConfigurationError("No function 'billing' in the catalog.")).failureCodes).toEqual(['CONFIGURATION']);
  });

  it('a function with no checks is not a pass', () => {
    expect(functionReport('empty', 'x', []).passed).toBe(false);
  });

  it('timedCheck turns a thrown error into a failed check instead of losing it', async () => {
    const result = await timedCheck('smoke', 'explodes', async () => { throw new Error('boom'); });
    expect(result).toMatchObject({ kind: 'smoke', name: 'explodes', passed: false, errorType: 'Harness.Error', code: 'HARNESS_BUG', message: 'boom' });
  });

  it('timedCheck gives a thrown coded error its own code: a stale lock is CONFIGURATION, no engine ENVIRONMENT_UNAVAILABLE', async () => {
    const stale = await timedCheck('build', 'zip artifact', async () => { throw new ConfigurationError('requirements.lock is stale'); });
    const noEngine = await timedCheck('build', 'zip artifact', async () => { throw new DockerUnavailableError('connect ENOENT /var/run/docker.sock'); });
    expect(stale.code).toBe('CONFIGURATION');
    expect(noEngine.code).toBe('ENVIRONMENT_UNAVAILABLE');
  });

  it('timedCheck marks a check the function failed FUNCTION_FAILURE, a passed check has no code', async () => {
    const mismatch = await timedCheck('health', 'GET /health -> 200 JSON', async () => ({ passed: false, message: 'expected HTTP 200, got 500' }));
    const timedOut = await timedCheck('boot', 'invoke', async () => ({ passed: false, errorType: 'Sandbox.Timedout', message: 'Task timed out after 3.00 seconds' }));
    const passed = await timedCheck('boot', 'invoke', async () => ({ passed: true, message: 'succeeded' }));
    expect([mismatch.code, timedOut.code, passed.code]).toEqual(['FUNCTION_FAILURE', 'FUNCTION_FAILURE', undefined]);
  });

  it('each function and the run list the distinct codes of their failed checks, in verify.json and the console', () => {
    const broken = functionReport('broken', 'b', [
      { kind: 'build', name: 'zip artifact', passed: false, errorType: 'Harness.Error', code: 'CONFIGURATION', message: 'stale lock', durationMs: 1 },
      { kind: 'import', name: 'import every top-level module', passed: false, errorType: 'Harness.ImportSmokeCrashed', message: 'crashed', durationMs: 1 },
    ]);
    expect(broken.failureCodes).toEqual(['CONFIGURATION', 'HARNESS_BUG']);
    expect(failing.failureCodes).toEqual(['FUNCTION_FAILURE']);
    const run = verifyReport('2026-11-22T00:00:00.000Z', 10, [failing, broken]);
    expect(run.failureCodes).toEqual(['CONFIGURATION', 'FUNCTION_FAILURE', 'HARNESS_BUG']);
    expect(JSON.parse(JSON.stringify(run))).toMatchObject({ failureCodes: run.failureCodes, functions: [{ failureCodes: ['FUNCTION_FAILURE'] }, { failureCodes: ['CONFIGURATION', 'HARNESS_BUG'] }] });
    const text = formatConsoleReport(run);
    expect(text).toMatch(/build: zip artifact\s+FAIL\s+1\s+CONFIGURATION Harness\.Error: stale lock/);
    expect(text).toContain('      code:         CONFIGURATION');
    expect(text).toContain('codes: CONFIGURATION, FUNCTION_FAILURE, HARNESS_BUG.');
    expect(verifyReport('t', 1, [functionReport('ok', 'b', [{ kind: 'boot', name: 'i', passed: true, message: 'ok', durationMs: 1 }])]).failureCodes).toEqual([]);
  });
});
