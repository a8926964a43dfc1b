// A corpus of broken functions, made here, each run through `npm run verify -- --dir` for real:
// real pip in the build image, the real awslambdaric polling our Runtime API emulator in a
// container. Each must fail with the exact error type Lambda would report; good ones must pass.
//
// Error types as AWS documents them:
//   Runtime.ImportModuleError / Runtime.UserCodeSyntaxError / Runtime.HandlerNotFound / Runtime.ExitError:
//     https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html (and awslambdaric's FaultException)
//   Sandbox.Timedout ("Task timed out after N.00 seconds"): https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
//   Function.ResponseSizeTooLarge (6 MB synchronous response): https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
//   Runtime.OutOfMemory: https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
//   Reserved environment variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html
// Wheels for another CPython or architecture are caught by static inspection before anything boots:
// their error type is the inspection rule's (`Inspect.extension-abi`, `Inspect.elf-machine`); booted
// anyway (`--boot-despite-inspection`) they fail as Lambda would, with Runtime.ImportModuleError.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { docker } from '../../../harness/docker/docker-cli';
import { CheckResult, FunctionReport, VerifyReport } from '../../../harness/suite/check-result';
import { CliResult, REPO, runCli } from './run-cli';

const VERIFY_JSON = path.join(REPO, 'reports', 'verify.json');
let root: string;

/** Writes a function directory: app.py and requirements.txt. */
function fn(name: string, app: string, requirements = ''): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.py'), app);
  fs.writeFileSync(path.join(dir, 'requirements.txt'), requirements);
  return dir;
}

async function verifyDir(dir: string, ...args: string[]): Promise<{ result: CliResult; report: FunctionReport }> {
  const result = await runCli('verify.ts', ['--dir', dir, '--handler', 'app.handler', ...args]);
  const report = (JSON.parse(fs.readFileSync(VERIFY_JSON, 'utf8')) as VerifyReport).functions[0];
  return { result, report };
}

function check(report: FunctionReport, kind: CheckResult['kind']): CheckResult {
  const found = report.checks.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} check in ${JSON.stringify(report.checks.map((c) => c.name))}`);
  return found;
}

const GOOD = 'def handler(event, context):\n    return {"ok": True, "keys": sorted(event)}\n';

beforeAll(async () => {
  // Loud, not skipped.
  await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 8000 });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-functions-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('broken functions fail verify --dir with the exact Lambda error type, in the console and verify.json', () => {
  test.each<[string, string, string, string[], RegExp]>([
    ['wrong handler name', 'Runtime.HandlerNotFound', GOOD.replace('def handler', 'def main'), [], /Handler 'handler' missing on module 'app'/],
    ['sleep past the timeout', 'Sandbox.Timedout', 'import time\ndef handler(event, context):\n    time.sleep(30)\n', ['--timeout', '2'], /Task timed out after 2\.00 seconds/],
    ['7 MB response', 'Function.ResponseSizeTooLarge', 'def handler(event, context):\n    return "x" * (7 * 1024 * 1024)\n', [], /Response payload size exceeded maximum allowed payload size \(6291556 bytes\)/],
    ['syntax error', 'Runtime.UserCodeSyntaxError', 'def handler(event, context)\n    return {}\n', [], /Syntax error in module 'app'/],
    ['sys.exit at import', 'Runtime.ExitError', 'import sys\nsys.exit(3)\ndef handler(event, context):\n    return {}\n', [], /Runtime exited with error: exit status 3/],
    ['missing module', 'Runtime.ImportModuleError', 'import module_nobody_installed\ndef handler(event, context):\n    return {}\n', [], /Unable to import module 'app': No module named 'module_nobody_installed'/],
    ['more memory than configured', 'Runtime.OutOfMemory', 'def handler(event, context):\n    return len(bytearray(512 * 1024 * 1024))\n', ['--memory', '128'], /Runtime exited with error: signal: killed/],
  ])('%s -> %s', async (name, errorType, app, args, message) => {
    const dir = fn(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase(), app);
    const { result, report } = await verifyDir(dir, ...args);
    expect(result.code).toBe(1);
    expect(report.passed).toBe(false);
    const boot = check(report, 'boot');
    expect(boot).toMatchObject({ passed: false, errorType });
    expect(boot.message).toMatch(message);
    expect(result.stdout).toContain(`errorType:    ${errorType}`);
  });

  test('a handler raising on its given --event fails with the exception type', async () => {
    const dir = fn('raises-on-event', 'def handler(event, context):\n    return {"order": event["order_id"]}\n');
    const eventFile = path.join(root, 'customer-event.json');
    fs.writeFileSync(eventFile, JSON.stringify({ customer_id: 7 }));
    const { result, report } = await verifyDir(dir, '--event', eventFile);
    expect(result.code).toBe(1);
    expect(check(report, 'boot')).toMatchObject({ passed: false, errorType: 'KeyError', name: `invoke with --event ${eventFile}` });
    expect(result.stdout).toContain('errorType:    KeyError');
  });

  test('wheels for another CPython: inspection refuses them (Inspect.extension-abi); booted anyway, Runtime.ImportModuleError', async () => {
    const dir = fn('cp312-wheels', 'import pydantic_core\ndef handler(event, context):\n    return {"v": pydantic_core.__version__}\n', 'pydantic-core==2.41.5\n');
    const refused = await verifyDir(dir, '--requirements', 'manylinux2014_x86_64@3.12');
    expect(refused.result.code).toBe(1);
    expect(check(refused.report, 'inspect')).toMatchObject({ passed: false, errorType: 'Inspect.extension-abi' });
    expect(check(refused.report, 'inspect').message).toContain('built for cp312, runtime is python3.13');
    expect(refused.report.checks.some((c) => c.kind === 'boot')).toBe(false);

    const booted = await verifyDir(dir, '--requirements', 'manylinux2014_x86_64@3.12', '--boot-despite-inspection');
    expect(check(booted.report, 'boot')).toMatchObject({ passed: false, errorType: 'Runtime.ImportModuleError' });
    expect(check(booted.report, 'boot').message).toContain("No module named 'pydantic_core._pydantic_core'");
  });

  test('wheels for another architecture: inspection refuses them (Inspect.elf-machine); booted anyway, Runtime.ImportModuleError', async () => {
    const dir = fn('arm64-wheels', 'import pydantic_core\ndef handler(event, context):\n    return {"v": pydantic_core.__version__}\n', 'pydantic-core==2.41.5\n');
    const refused = await verifyDir(dir, '--requirements', 'manylinux2014_aarch64@3.13');
    expect(refused.result.code).toBe(1);
    expect(check(refused.report, 'inspect')).toMatchObject({ passed: false, errorType: 'Inspect.elf-machine' });
    expect(check(refused.report, 'inspect').message).toContain('built for AArch64');

    const booted = await verifyDir(dir, '--requirements', 'manylinux2014_aarch64@3.13', '--boot-despite-inspection');
    expect(check(booted.report, 'boot')).toMatchObject({ passed: false, errorType: 'Runtime.ImportModuleError' });
  });

  test('a reserved Lambda variable in --env is refused before anything builds, naming it', async () => {
    const dir = fn('reserved-env', GOOD);
    const result = await runCli('verify.ts', ['--dir', dir, '--handler', 'app.handler', '--env', 'AWS_REGION=eu-west-1']);
    expect(result.code).toBe(2); // a usage error: the command line asked for what AWS refuses
    expect(result.stderr).toContain('environment variable AWS_REGION is reserved by Lambda');
    expect(result.stderr).not.toContain('[build');
  });
});

describe('good functions pass (no false positive)', () => {
  test('a handler that succeeds on {} passes without a warning; with --event and --env it passes too', async () => {
    const dir = fn('good', 'import os\ndef handler(event, context):\n    return {"keys": sorted(event), "greeting": os.environ.get("GREETING")}\n');
    const plain = await verifyDir(dir);
    expect(plain.result.code).toBe(0);
    expect(check(plain.report, 'boot')).toMatchObject({ passed: true, name: 'invoke with {} (no test event given)' });
    expect(plain.report.warnings).toEqual([]);

    const withEvent = await verifyDir(dir, '--event', '{"source": "manual"}', '--event', '{"order_id": 1}', '--env', 'GREETING=hello', '--timeout', '3', '--memory', '256');
    expect(withEvent.result.code).toBe(0);
    const boots = withEvent.report.checks.filter((c) => c.kind === 'boot');
    expect(boots.map((c) => [c.name, c.passed])).toEqual([['invoke with --event #1 (inline)', true], ['invoke with --event #2 (inline)', true]]);
    expect(boots[0].message).toContain('"greeting": "hello"');
  });

  test('a handler that raises on the placeholder {} passes with a warning naming the exception and suggesting --event', async () => {
    const dir = fn('needs-a-real-event', 'def handler(event, context):\n    return {"order": event["order_id"]}\n');
    const { result, report } = await verifyDir(dir);
    expect(result.code).toBe(0);
    expect(report.passed).toBe(true);
    expect(report.warnings).toEqual([expect.stringContaining('the handler raised KeyError on the placeholder event {}')]);
    expect(report.warnings[0]).toContain('--event');
    expect(result.stdout).toContain('! WARNING boot: invoke with {} (no test event given)');
    expect(result.stdout).toMatch(/All 1 function\(s\) passed in .* s, with 1 warning\(s\)\./);

    const given = await verifyDir(dir, '--event', '{"order_id": 42}');
    expect(given.result.code).toBe(0);
    expect(given.report.warnings).toEqual([]);
  });
});
