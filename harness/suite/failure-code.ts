/**
 * The code of a failed check. A check fails either because something threw (its error's own code,
 * `errorCodeOf`) or because it ran and the function answered wrong: Lambda's error types
 * (`Runtime.*`, `Sandbox.*`, `Function.*`), an inspection rule (`Inspect.*`), a health or smoke
 * mismatch (no error type) are the function's failure. `Harness.*` types are ours.
 */
import { ERROR_CODES, ErrorCode } from '../../model/error-codes';
import type { CheckResult } from './check-result';

/** The harness's own error types (`Harness.Error`, `Harness.ImportSmokeCrashed`...). */
const HARNESS_ERROR_TYPE = /^Harness\./;

export function failureCodeOf(errorType: string | undefined): ErrorCode {
  return errorType !== undefined && HARNESS_ERROR_TYPE.test(errorType) ? 'HARNESS_BUG' : 'FUNCTION_FAILURE';
}

/** A failed check with its code (an explicit one is kept); a passed check has none. */
export function withFailureCode(check: CheckResult): CheckResult {
  if (check.passed) return check.code === undefined ? check : { ...check, code: undefined };
  return check.code !== undefined ? check : { ...check, code: failureCodeOf(check.errorType) };
}

/** The distinct codes of the failed checks, in ERROR_CODES order, for summaries. */
export function distinctFailureCodes(checks: readonly CheckResult[]): ErrorCode[] {
  const codes = new Set(checks.flatMap((check) => (!check.passed && check.code ? [check.code] : [])));
  return ERROR_CODES.filter((code) => codes.has(code));
}
