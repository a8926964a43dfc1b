/**
 * The project's conformance suite (harness/conformance/cases.ts) against our emulator serving the
 * fixture function with `npm run emulate -- --dir harness/conformance/fixture` (its own process):
 * every case, each citing the AWS page it encodes, must answer as AWS documents. Then the command
 * itself, `npm run conformance`, on both engines (ours and AWS's RIE) in one run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { CONFORMANCE_CASES } from '../../../harness/conformance/cases';
import { ConformanceReport, runConformance, writeConformanceReport } from '../../../harness/conformance/conformance-runner';
import { EmulateDirTarget, startEmulateDirTarget } from '../../../harness/conformance/emulate-dir-target';
import { runCli } from '../harness/run-cli';

jest.setTimeout(20 * 60_000);

describe('conformance suite on our emulator', () => {
  let local: EmulateDirTarget | undefined;
  beforeAll(async () => {
    await ensureDockerEngine();
    local = await startEmulateDirTarget({ base: process.env.LAMBDA_BASE || 'standin' });
  });
  afterAll(async () => {
    await local?.stop();
  });

  test('at least 40 cases, each with a unique id and an AWS documentation page', () => {
    expect(CONFORMANCE_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CONFORMANCE_CASES.map((c) => c.id)).size).toBe(CONFORMANCE_CASES.length);
    for (const c of CONFORMANCE_CASES) expect(c.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/lambda\//);
  });

  test('every case passes, and the report records it per case under the engine', async () => {
    const run = await runConformance(local!.target);
    const failed = run.results.filter((result) => !result.passed).map((result) => `${result.id}: ${result.detail}`);
    expect(failed).toEqual([]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-')), 'conformance.json');
    const report = writeConformanceReport(run, file);
    expect(report.cases).toHaveLength(CONFORMANCE_CASES.length);
    expect(report.cases[0].results.emulator).toEqual({ passed: true });
    // A second engine's run adds its column and keeps ours.
    const other = writeConformanceReport({ ...run, engine: 'rie', results: run.results.map((r) => ({ ...r, passed: false, detail: 'differs' })) }, file);
    expect(other.cases[0].results).toEqual({ emulator: { passed: true }, rie: { passed: false, detail: 'differs' } });
  });
});

describe('npm run conformance: both engines by one command', () => {
  test('our emulator and AWS\'s RIE each serve the fixture; both columns land in the report; RIE\'s differences do not fail the command', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-cli-')), 'conformance.json');
    const result = await runCli('conformance.ts', ['--out', out, '--no-readme', '--base', process.env.LAMBDA_BASE || 'standin']);
    expect(result.stderr).toContain('[conformance] rie: invoke http://127.0.0.1:');
    expect(result.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as ConformanceReport;
    expect(Object.keys(report.engines).sort()).toEqual(['emulator', 'rie']);
    expect(report.engines.emulator).toMatchObject({ passed: CONFORMANCE_CASES.length, failed: 0 });
    // RIE at its own invoke endpoint: no X-Amz-Function-Error (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
    const header = report.cases.find((row) => row.id === 'invoke-api.function-error-header')!;
    expect(header.results.rie).toMatchObject({ passed: false, detail: expect.stringContaining('X-Amz-Function-Error') });
    // Through our Function URL front on top of RIE, the Function URL cases hold.
    for (const row of report.cases.filter((r) => r.area === 'function-url')) expect([row.id, row.results.rie.passed]).toEqual([row.id, true]);
    expect(result.stdout).toMatch(/\[conformance\] rie: \d+ of \d+ cases as AWS documents them; its \d+ difference\(s\) are findings/);
    expect(result.stderr).toMatch(/\[rie\] DIFFERS {2}invoke-api\.function-error-header/);
  });

  test('--function-url without --invoke-url is a usage error naming the option', async () => {
    const result = await runCli('conformance.ts', ['--function-url', 'http://127.0.0.1:1/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--function-url only applies with --invoke-url.');
  });
});
