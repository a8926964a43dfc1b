// `npm run verify -- --engine rie`: the same suite under AWS's real Runtime Interface Emulator (the
// binary from the pinned aws-sam-cli wheel), on function directories made here. What RIE reports
// for a broken function is what the report shows, and RIE's limitations are printed every time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { VerifyReport } from '../../../harness/suite/check-result';
import { REPO, runCli } from './run-cli';

function functionDir(handlerSource: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-rie-'));
  fs.writeFileSync(path.join(dir, 'handler.py'), handlerSource);
  fs.chmodSync(dir, 0o755);
  return dir;
}

function report(): VerifyReport {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'reports', 'verify.json'), 'utf8')) as VerifyReport;
}

beforeAll(async () => {
  await ensureDockerEngine();
});

test('a working function passes on RIE, and the report names the engine and what RIE cannot check', async () => {
  const dir = functionDir('def lambda_handler(event, context):\n    return {"ok": True, "fn": context.function_name}\n');
  try {
    const result = await runCli('verify.ts', ['--dir', dir, '--engine', 'rie']);
    expect(result.code).toBe(0);
    const fn = report().functions[0];
    expect(fn.passed).toBe(true);
    expect(fn.base).toContain("under AWS's RIE (aws-sam-cli 1.170.0)");
    expect(fn.warnings.filter((w) => w.startsWith('engine rie: '))).toHaveLength(4);
    expect(result.stdout).toContain('! WARNING engine rie: concurrency');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.each([
  ['a missing module at import', 'import not_installed_anywhere\n\ndef lambda_handler(event, context):\n    return {}\n', 'Runtime.ImportModuleError', /No module named 'not_installed_anywhere'/],
  ['an exception in the handler', 'def lambda_handler(event, context):\n    raise ValueError("bad input from the test")\n', 'ValueError', /bad input from the test/],
])('%s: the boot check (a test event, which must succeed) fails with what RIE reports', async (_name, source, errorType, message) => {
  const dir = functionDir(source);
  try {
    const result = await runCli('verify.ts', ['--dir', dir, '--engine', 'rie', '--event', '{"source": "verify-rie test"}']);
    expect(result.code).toBe(1);
    const failed = report().functions[0].checks.find((check) => !check.passed && check.errorType === errorType);
    expect(failed).toBeDefined();
    expect(failed!.message).toMatch(message);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('npm run verify -- --engine rie on the catalog functions', () => {
  test.each([
    ['dashboard', ['build', 'inspect', 'boot', 'health', 'import', 'smoke']],
    ['ingestion', ['build', 'inspect', 'boot', 'import', 'smoke']],
    ['analysis', ['build', 'inspect', 'boot', 'import', 'smoke']],
  ])('%s passes under RIE, with the same checks as on our emulator and RIE\'s limitations in its report', async (name, kinds) => {
    const result = await runCli('verify.ts', [name, '--engine', 'rie']);
    const fn = report().functions.find((f) => f.name === name)!;
    expect(fn.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.errorType} ${check.message}`)).toEqual([]);
    expect(result.code).toBe(0);
    expect(fn.passed).toBe(true);
    expect(fn.base).toContain("under AWS's RIE (aws-sam-cli 1.170.0)");
    expect(new Set(fn.checks.map((check) => check.kind))).toEqual(new Set(kinds));
    expect(fn.warnings.filter((w) => w.startsWith('engine rie: '))).toHaveLength(4);
    expect(result.stdout).toContain('All 1 function(s) passed');
  });
});
