/**
 * The broken-function corpus, shared by the tests that run it on each engine
 * (broken-functions.test.ts on our emulator, broken-functions-rie.test.ts on AWS's RIE): each
 * function is written here, run through `npm run verify -- --dir` for real, and read back from
 * reports/verify.json.
 *
 * Error types as AWS documents them:
 *   Runtime.ImportModuleError / Runtime.UserCodeSyntaxError / Runtime.HandlerNotFound / Runtime.ExitError:
 *     https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html (and awslambdaric's FaultException)
 *   Sandbox.Timedout ("Task timed out after N.00 seconds"): https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
 *   Function.ResponseSizeTooLarge (6 MB synchronous response): https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 *   Runtime.OutOfMemory: https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckResult, FunctionReport, VerifyReport } from '../../../harness/suite/check-result';
import { CliResult, REPO, runCli } from './run-cli';

const VERIFY_JSON = path.join(REPO, 'reports', 'verify.json');

export interface BrokenFunction {
  /** `wrong handler name` */
  readonly name: string;
  /** The error type Lambda reports for it. */
  readonly lambdaErrorType: string;
  /** app.py (handler `app.handler`). */
  readonly app: string;
  /** Extra verify options (`--timeout 2`). */
  readonly args: readonly string[];
  /** The message Lambda gives. */
  readonly lambdaMessage: RegExp;
}

/** Functions that fail at boot, each with the error type and message Lambda gives. */
export const BROKEN_AT_BOOT: readonly BrokenFunction[] = [
  { name: 'wrong handler name', lambdaErrorType: 'Runtime.HandlerNotFound', app: 'def main(event, context):\n    return {"ok": True, "keys": sorted(event)}\n', args: [], lambdaMessage: /Handler 'handler' missing on module 'app'/ },
  { name: 'sleep past the timeout', lambdaErrorType: 'Sandbox.Timedout', app: 'import time\ndef handler(event, context):\n    time.sleep(30)\n', args: ['--timeout', '2'], lambdaMessage: /Task timed out after 2\.00 seconds/ },
  { name: '7 MB response', lambdaErrorType: 'Function.ResponseSizeTooLarge', app: 'def handler(event, context):\n    return "x" * (7 * 1024 * 1024)\n', args: [], lambdaMessage: /Response payload size exceeded maximum allowed payload size \(6291556 bytes\)/ },
  { name: 'syntax error', lambdaErrorType: 'Runtime.UserCodeSyntaxError', app: 'def handler(event, context)\n    return {}\n', args: [], lambdaMessage: /Syntax error in module 'app'/ },
  { name: 'sys.exit at import', lambdaErrorType: 'Runtime.ExitError', app: 'import sys\nsys.exit(3)\ndef handler(event, context):\n    return {}\n', args: [], lambdaMessage: /Runtime exited with error: exit status 3/ },
  { name: 'missing module', lambdaErrorType: 'Runtime.ImportModuleError', app: 'import module_nobody_installed\ndef handler(event, context):\n    return {}\n', args: [], lambdaMessage: /Unable to import module 'app': No module named 'module_nobody_installed'/ },
  { name: 'more memory than configured', lambdaErrorType: 'Runtime.OutOfMemory', app: 'def handler(event, context):\n    return len(bytearray(512 * 1024 * 1024))\n', args: ['--memory', '128'], lambdaMessage: /Runtime exited with error: signal: killed/ },
];

export const GOOD_HANDLER = 'def handler(event, context):\n    return {"ok": True, "keys": sorted(event)}\n';

/** Writes a function directory under `root`: app.py and requirements.txt. */
export function writeFunction(root: string, name: string, app: string, requirements = ''): string {
  const dir = path.join(root, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.py'), app);
  fs.writeFileSync(path.join(dir, 'requirements.txt'), requirements);
  return dir;
}

/** `npm run verify -- --dir <dir> --handler app.handler ...`, and its function's report. */
export async function verifyDir(dir: string, ...args: string[]): Promise<{ result: CliResult; report: FunctionReport }> {
  const result = await runCli('verify.ts', ['--dir', dir, '--handler', 'app.handler', ...args]);
  const report = (JSON.parse(fs.readFileSync(VERIFY_JSON, 'utf8')) as VerifyReport).functions[0];
  return { result, report };
}

export function checkOf(report: FunctionReport, kind: CheckResult['kind']): CheckResult {
  const found = report.checks.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} check in ${JSON.stringify(report.checks.map((c) => c.name))}`);
  return found;
}
