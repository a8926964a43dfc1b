/**
 * The project's conformance suite (harness/conformance/cases.ts) against our emulator serving the
 * fixture function with `npm run emulate -- --dir harness/conformance/fixture` (its own process):
 * every case, each citing the AWS page it encodes, must answer as AWS documents.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { CONFORMANCE_CASES } from '../../../harness/conformance/cases';
import { runConformance, writeConformanceReport } from '../../../harness/conformance/conformance-runner';
import { EmulateDirTarget, startEmulateDirTarget } from '../../../harness/conformance/emulate-dir-target';

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
