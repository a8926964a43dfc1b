// A corpus of broken functions (broken-function-corpus.ts, where the AWS pages for each error type
// are cited), each run through `npm run verify -- --dir` for real: real pip in the build image, the
// real awslambdaric polling our Runtime API emulator in a container. Each must fail with the exact
// error type Lambda would report; good ones must pass.
//
// Reserved environment variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html
// Wheels for another CPython or architecture are caught by static inspection before anything boots:
// their error type is the inspection rule's (`Inspect.extension-abi`, `Inspect.elf-machine`); booted
// anyway (`--boot-despite-inspection`) they fail as Lambda would, with Runtime.ImportModuleError.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { BROKEN_AT_BOOT, GOOD_HANDLER as GOOD, checkOf as check, verifyDir, writeFunction } from './broken-function-corpus';
import { runCli } from './run-cli';

let root: string;

const fn = (name: string, app: string, requirements = ''): string => writeFunction(root, name, app, requirements);

beforeAll(async () => {
  // Loud, not skipped.
  await ensureDockerEngine();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-functions-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('broken functions fail verify --dir with the exact Lambda error type, in the console and verify.json', () => {
  test.each(BROKEN_AT_BOOT.map((broken) => [broken.name, broken.lambdaErrorType, broken.app, broken.args, broken.lambdaMessage] as const))(
    '%s -> %s', async (name, errorType, app, args, message) => {
    const dir = fn(name, app);
    const { result, report } = await verifyDir(dir, ...args);
    expect(result.code).toBe(1);
    expect(report.passed).toBe(false);
    const boot = check(report, 'boot');
    expect(boot).toMatchObject({ passed: false, errorType, code: 'FUNCTION_FAILURE' });
    expect(report.failureCodes).toEqual(['FUNCTION_FAILURE']);
    expect(boot.message).toMatch(message);
    expect(result.stdout).toContain(`errorType:    ${errorType}`);
    expect(result.stdout).toContain('code:         FUNCTION_FAILURE');
  });

  test('a handler raising on its given --event fails with the exception type', async () => {
    const dir = fn('raises-on-event', 'def handler(event, context):\n    return {"order": event["order_id"]}\n');
    const eventFile = path.join(root, 'customer-event.json');
    fs.writeFileSync(eventFile, JSON.stringify({ customer_id: 7 }));
    const { result, report } = await verifyDir(dir, '--event', eventFile);
    expect(result.code).toBe(1);
    expect(check(report, 'boot')).toMatchObject({ passed: false, errorType: 'KeyError', code: 'FUNCTION_FAILURE', name: `invoke with --event ${eventFile}` });
    expect(result.stdout).toContain('errorType:    KeyError');
  });

  // The same failure for two wrong wheels: inspection names the rule that refuses them, and the same
  // bytes booted anyway cannot import pydantic_core's compiled extension.
  test.each([
    { wrong: 'CPython', name: 'cp312-wheels', requirements: 'manylinux2014_x86_64@3.12', rule: 'extension-abi', inspection: 'built for cp312, runtime is python3.13' },
    { wrong: 'architecture', name: 'arm64-wheels', requirements: 'manylinux2014_aarch64@3.13', rule: 'elf-machine', inspection: 'built for AArch64' },
  ])('wheels for another $wrong: inspection refuses them (Inspect.$rule); booted anyway, Runtime.ImportModuleError', async ({ name, requirements, rule, inspection }) => {
    const dir = fn(name, 'import pydantic_core\ndef handler(event, context):\n    return {"v": pydantic_core.__version__}\n', 'pydantic-core==2.41.5\n');
    const refused = await verifyDir(dir, '--requirements', requirements);
    expect(refused.result.code).toBe(1);
    expect(check(refused.report, 'inspect')).toMatchObject({ passed: false, errorType: `Inspect.${rule}`, code: 'FUNCTION_FAILURE' });
    expect(check(refused.report, 'inspect').message).toContain(inspection);
    expect(refused.report.checks.some((c) => c.kind === 'boot')).toBe(false);

    const booted = await verifyDir(dir, '--requirements', requirements, '--boot-despite-inspection');
    expect(check(booted.report, 'boot')).toMatchObject({ passed: false, errorType: 'Runtime.ImportModuleError', code: 'FUNCTION_FAILURE' });
    expect(check(booted.report, 'boot').message).toContain("No module named 'pydantic_core._pydantic_core'");
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
    expect(plain.report.failureCodes).toEqual([]);

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
