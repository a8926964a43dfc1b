/**
 * Re-verify without waste (issue 11), through the real pipeline (real build image, containers,
 * runtime client): a second verify of unchanged bytes reports its inspection and import smoke as
 * cached, with their dates, in verify.json's records and the console; `force` runs them again and
 * rebuilds; the boot check always runs. Verified in parallel, the report equals a sequential one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { adHocFunction } from '../../../harness/pipeline/ad-hoc-function';
import { runVerify } from '../../../harness/pipeline/verify-run';
import { formatConsoleReport } from '../../../harness/report/console-report';
import { CheckResult, FunctionReport, VerifyReport } from '../../../harness/suite/check-result';
import { FunctionSpec } from '../../../model/function-spec';

jest.setTimeout(15 * 60 * 1000);

let root: string;
let workDir: string;
let first: FunctionSpec;
let second: FunctionSpec;

function fn(name: string, body: string): FunctionSpec {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.py'), `def handler(event, context):\n    return ${body}\n`);
  return adHocFunction({ dir, handler: 'app.handler' });
}

async function verify(specs: readonly FunctionSpec[], options: { force?: boolean; jobs?: number; lines?: string[] } = {}): Promise<VerifyReport> {
  const run = await runVerify({ specs, baseChoice: 'standin', workDir, log: (line) => options.lines?.push(line), force: options.force, jobs: options.jobs ?? 1, recordManifest: false });
  await run.stop();
  return run.report;
}

const check = (report: FunctionReport, kind: CheckResult['kind']): CheckResult => report.checks.find((c) => c.kind === kind)!;

beforeAll(async () => {
  await ensureDockerEngine();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-cache-'));
  workDir = path.join(root, 'work');
  first = fn('cache-first', '{"n": 1}');
  second = fn('cache-second', '{"n": 2}');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('unchanged bytes: inspection and import smoke are reported as cached, with their date; boot always runs', async () => {
  const ran = (await verify([first])).functions[0];
  expect(ran.passed).toBe(true);
  expect(check(ran, 'inspect').cachedAt).toBeUndefined();
  expect(check(ran, 'import').cachedAt).toBeUndefined();

  const report = await verify([first]);
  const again = report.functions[0];
  expect(again.passed).toBe(true);
  expect(again.artifact?.cacheHit).toBe(true);
  const inspection = check(again, 'inspect');
  expect(inspection.cachedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(inspection.message).toContain(`cached: verdict of ${inspection.cachedAt}`);
  expect(check(again, 'import').cachedAt).toBeDefined();
  // The boot check ran now: it depends on the environment, never cached.
  const boot = check(again, 'boot');
  expect(boot.cachedAt).toBeUndefined();
  expect(boot.passed).toBe(true);
  expect(formatConsoleReport(report)).toContain(`cached (result of ${inspection.cachedAt})`);
  // verify.json is the report serialised: the dates travel with it.
  expect(JSON.parse(JSON.stringify(report)).functions[0].checks.find((c: CheckResult) => c.kind === 'inspect').cachedAt).toBe(inspection.cachedAt);
});

test('force rebuilds, re-inspects and re-runs the import smoke', async () => {
  const forced = (await verify([first], { force: true })).functions[0];
  expect(forced.passed).toBe(true);
  expect(forced.artifact?.cacheHit).toBe(false);
  expect(check(forced, 'inspect').cachedAt).toBeUndefined();
  expect(check(forced, 'import').cachedAt).toBeUndefined();
});

test('verified in parallel: every line names its function, and the report equals the sequential one', async () => {
  const sequential = await verify([first, second], { jobs: 1 });
  const lines: string[] = [];
  const parallel = await verify([first, second], { jobs: 2, lines });
  const shape = (report: VerifyReport) => report.functions.map((f) => ({
    name: f.name, passed: f.passed, artifact: f.artifact?.hash, checks: f.checks.map((c) => [c.kind, c.name, c.passed]),
  }));
  expect(shape(parallel)).toEqual(shape(sequential));
  expect(parallel.functions.map((f) => f.name)).toEqual(['cache-first', 'cache-second']);
  const perFunction = lines.filter((line) => !line.startsWith('[verify] ') && !line.startsWith('[images]') && !line.startsWith('[local-aws]'));
  expect(perFunction.length).toBeGreaterThan(4);
  for (const line of perFunction) expect(line).toMatch(/^cache-(first |second) \| /);
});
