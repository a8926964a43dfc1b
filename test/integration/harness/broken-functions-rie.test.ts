// The broken-function corpus (broken-function-corpus.ts) under AWS's Runtime Interface Emulator:
// `npm run verify -- --dir <fn> --engine rie`, for real (the RIE binary from the pinned aws-sam-cli
// wheel, the real awslambdaric in the function's container). What verify reports must be what RIE
// itself answers: each function is also booted under RIE here and invoked at RIE's own invoke
// endpoint, and the report's error type and message are compared with that raw answer. Where RIE
// differs from Lambda (error types as AWS documents them: see broken-function-corpus.ts), the
// expectations below say so; RIE's limitations are in every report of an RIE run.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { defaultBaseChoice, resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { RIE_LIMITATIONS, RieFunction } from '../../../harness/rie/rie-function';
import { BROKEN_AT_BOOT, BrokenFunction, checkOf, verifyDir, writeFunction } from './broken-function-corpus';

let root: string;
let baseImage: string;

beforeAll(async () => {
  // Loud, not skipped.
  await ensureDockerEngine();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-functions-rie-'));
  baseImage = (await resolveRuntimeBase('python3.13', 'x86_64', defaultBaseChoice())).image;
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** How RIE gives the failure: in the answer's error JSON, as its plain-text timeout, or only in its log. */
type RieEvidence = 'error JSON' | 'timeout text' | 'log';

/**
 * What RIE reports for each corpus function (RIE 1.170.0), and how. Every one is what Lambda
 * reports too, except the out-of-memory kill: RIE has no memory verdict and says Runtime.ExitError
 * where Lambda says Runtime.OutOfMemory (a limitation every RIE report states).
 */
const UNDER_RIE: Readonly<Record<string, { errorType: string; message: RegExp; evidence: RieEvidence }>> = {
  'wrong handler name': { errorType: 'Runtime.HandlerNotFound', message: /^Handler 'handler' missing on module 'app'/, evidence: 'error JSON' },
  'sleep past the timeout': { errorType: 'Sandbox.Timedout', message: /^Task timed out after 2\.00 seconds$/, evidence: 'timeout text' },
  '7 MB response': { errorType: 'Function.ResponseSizeTooLarge', message: /^Response payload size exceeded maximum allowed payload size \(6291556 bytes\)\.$/, evidence: 'error JSON' },
  'syntax error': { errorType: 'Runtime.UserCodeSyntaxError', message: /^Syntax error in module 'app'/, evidence: 'error JSON' },
  'sys.exit at import': { errorType: 'Runtime.ExitError', message: /^Runtime exited with error: exit status 3 \(during init: every invoke fails alike\)$/, evidence: 'log' },
  'missing module': { errorType: 'Runtime.ImportModuleError', message: /^Unable to import module 'app': No module named 'module_nobody_installed' \(during init/, evidence: 'error JSON' },
  'more memory than configured': { errorType: 'Runtime.ExitError', message: /Error: Runtime exited with error: signal: killed$/, evidence: 'error JSON' },
};

/** RIE's own answer to `{}` for the function in `dir` (HTTP status and body, untouched) and its log. */
async function rieAnswer(dir: string, broken: BrokenFunction): Promise<{ status: number; body: string; log: string[] }> {
  const option = (name: string, fallback: number) => {
    const index = broken.args.indexOf(name);
    return index >= 0 ? Number(broken.args[index + 1]) : fallback;
  };
  fs.chmodSync(dir, 0o755);
  const log: string[] = [];
  const rie = await RieFunction.start({
    image: baseImage, command: ['app.handler'], functionName: 'broken-rie', memoryMb: option('--memory', 512), timeoutSeconds: option('--timeout', 30),
    mounts: [{ hostPath: dir, containerPath: '/var/task', readOnly: true }],
  }, { onLog: (line) => log.push(line) });
  try {
    await waitForListener(rie.port);
    const answer = await post(rie.invocationsUrl, '{}');
    // RIE's log lines about the failure may trail its answer.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { ...answer, log };
  } finally {
    await rie.stop();
  }
}

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function waitForListener(port: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (attempt > 600) throw new Error(`RIE never listened on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Request ids differ between the two runs of a function. */
const withoutRequestIds = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');

describe('the broken-function corpus under RIE: verify reports what RIE reports', () => {
  test.each(BROKEN_AT_BOOT.map((broken) => [broken.name, broken] as const))('%s', async (name, broken) => {
    const expected = UNDER_RIE[name];
    const dir = writeFunction(root, `rie-${name}`, broken.app);
    const raw = await rieAnswer(dir, broken);
    const { result, report } = await verifyDir(dir, '--engine', 'rie', ...broken.args);

    // verify fails it, with RIE's error type and message, in the console and verify.json.
    expect(result.code).toBe(1);
    const boot = checkOf(report, 'boot');
    expect(boot).toMatchObject({ passed: false, errorType: expected.errorType });
    expect(boot.message).toMatch(expected.message);
    expect(result.stdout).toContain(`errorType:    ${expected.errorType}`);

    // ... which is what RIE itself answered (or logged) for the same function.
    if (expected.evidence === 'error JSON') {
      expect(raw.status).toBe(502);
      const rie = JSON.parse(raw.body) as { errorType: string; errorMessage: string };
      expect(rie.errorType).toBe(boot.errorType);
      expect(withoutRequestIds(boot.message)).toContain(withoutRequestIds(rie.errorMessage));
    } else if (expected.evidence === 'timeout text') {
      expect(raw).toMatchObject({ status: 200, body: boot.message });
    } else {
      expect(raw).toMatchObject({ status: 502, body: '' });
      expect(raw.log.some((line) => line.includes(`First fatal error stored in appctx: ${boot.errorType}`))).toBe(true);
      const message = boot.message.replace(/ \(during init: every invoke fails alike\)$/, '');
      expect(raw.log.some((line) => line.includes(`error=${message}`))).toBe(true);
    }

    // Lambda reports the same type, except for the out-of-memory kill that RIE cannot tell apart.
    if (broken.lambdaErrorType === 'Runtime.OutOfMemory') expect(expected.errorType).toBe('Runtime.ExitError');
    else expect(expected.errorType).toBe(broken.lambdaErrorType);

    // RIE's limitations, in every report of an RIE run.
    expect(report.warnings.filter((w) => w.startsWith('engine rie: '))).toEqual(RIE_LIMITATIONS.map((limit) => `engine rie: ${limit}`));
    expect(result.stdout).toContain('! WARNING engine rie: memory: RIE enforces no memory size');
  });
});

test('wheels for another CPython, booted anyway under RIE: Runtime.ImportModuleError from the runtime, as in Lambda', async () => {
  const dir = writeFunction(root, 'rie-cp312-wheels', 'import pydantic_core\ndef handler(event, context):\n    return {"v": pydantic_core.__version__}\n', 'pydantic-core==2.41.5\n');
  const { result, report } = await verifyDir(dir, '--engine', 'rie', '--requirements', 'manylinux2014_x86_64@3.12', '--boot-despite-inspection');
  expect(result.code).toBe(1);
  expect(checkOf(report, 'inspect')).toMatchObject({ passed: false, errorType: 'Inspect.extension-abi' });
  expect(checkOf(report, 'boot')).toMatchObject({ passed: false, errorType: 'Runtime.ImportModuleError' });
  expect(checkOf(report, 'boot').message).toContain("No module named 'pydantic_core._pydantic_core'");
});
