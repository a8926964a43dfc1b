/**
 * What `emulate --watch` prints when an edit fails verification: the first failed check with
 * Lambda's error type, the evidence, and what to fix. The error types are the ones the Python
 * runtime reports (https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html).
 */
import { FunctionReport } from '../suite/check-result';

const FIXES: readonly [RegExp, string][] = [
  [/^Runtime\.UserCodeSyntaxError$/, 'fix the syntax error at the file and line named above, then save again'],
  [/^Runtime\.ImportModuleError$/, 'fix the import named above, or add the missing package to requirements.txt (ZIP) or the Dockerfile (image), then save again'],
  [/^Runtime\.HandlerNotFound$/, 'the module no longer defines the handler function: restore it or change the handler setting'],
  [/^Runtime\.MalformedHandlerName$/, 'the handler setting must be module.function'],
  [/^Runtime\.ExitError$/, 'the runtime process exited (sys.exit, a crash, or memory): see the error above'],
  [/^Runtime\.OutOfMemory$/, "the function used more than its memory: reduce what it loads, or raise the function's memory"],
  [/^Sandbox\.Timedout$/, "the function ran past its timeout: make it faster, or raise the function's timeout"],
  [/^Inspect\./, 'static inspection refused the artifact: see its fix above'],
];

/** Lines for the console: the failed checks, their Lambda error type, and the fix. */
export function describeFailedEdit(report: FunctionReport): string[] {
  const failed = report.checks.filter((check) => !check.passed);
  if (failed.length === 0) return ['no check failed, yet the function did not pass (see the report above)'];
  const first = failed[0];
  const lines = failed.map((check) => `  FAIL ${check.kind} ${check.name}${check.errorType ? `: ${check.errorType}` : ''}`);
  lines.push(...first.message.split('\n').slice(0, 12).map((line) => `    ${line}`));
  const fix = FIXES.find(([pattern]) => pattern.test(first.errorType ?? ''))?.[1] ??
    (first.kind === 'build' ? 'the build failed: see its output above' : 'see the message above');
  lines.push(`  fix: ${fix}`);
  return lines;
}
