/**
 * What the suite reports, per check and per function. The console table, `reports/verify.json`
 * and the JUnit XML are all renderings of these records.
 */
import { ErrorCode, errorCodeOf } from '../../model/error-codes';
import { distinctFailureCodes, withFailureCode } from './failure-code';

export type CheckKind = 'build' | 'inspect' | 'boot' | 'health' | 'import' | 'smoke';

export interface CheckResult {
  readonly kind: CheckKind;
  readonly name: string;
  readonly passed: boolean;
  /** Lambda's errorType when the function failed (`Runtime.ImportModuleError`), else undefined. */
  readonly errorType?: string;
  /** What happened, for people: the Lambda errorMessage, or what was expected and what came back. */
  readonly message: string;
  /**
   * Why a failed check failed, for CI to branch on (README "Error codes"): FUNCTION_FAILURE when the
   * function did (a Lambda error type, an inspection rule, a wrong answer), else the code of what
   * was thrown. @default none (passed checks)
   */
  readonly code?: ErrorCode;
  /**
   * Passed, but something the user should act on: the function's own code raised on the
   * placeholder `{}` event (give it a real one with `--event`). @default none
   */
  readonly warning?: string;
  /** Inspection findings the catalog accepts for this function, with its reasons. @default none */
  readonly acknowledged?: readonly AcknowledgedFinding[];
  readonly durationMs: number;
  /**
   * The result was reused, not computed in this run (static inspection, import smoke: they depend
   * only on the artifact's bytes): ISO time it was computed. @default undefined (ran in this run)
   */
  readonly cachedAt?: string;
}

/** A warn or fail of an inspection rule that the function's catalog entry acknowledges. */
export interface AcknowledgedFinding {
  readonly rule: string;
  /** The level the rule gave it; acknowledging never changes it. */
  readonly level: 'warn' | 'fail';
  readonly message: string;
  /** The catalog's reason. */
  readonly reason: string;
}

export interface ArtifactSummary {
  readonly kind: 'zip' | 'image' | 'remote';
  /** Content hash of the build (or the URL for a deployed target). */
  readonly hash: string;
  readonly bytes: number;
  /** ZIP path or image tag. */
  readonly reference: string;
  readonly cacheHit: boolean;
  /** The artifact's CycloneDX SBOM: path and sha256 of the file. @default undefined (remote targets) */
  readonly sbom?: { readonly path: string; readonly sha256: string; readonly components: number };
}

export interface FunctionReport {
  readonly name: string;
  readonly artifact?: ArtifactSummary;
  /** Which base image ran the checks, or "deployed Function URL". */
  readonly base: string;
  readonly checks: readonly CheckResult[];
  /** The checks' warnings, `<check name>: <warning>`; they do not fail the function. */
  readonly warnings: readonly string[];
  /** The distinct codes of its failed checks; empty when it passed. */
  readonly failureCodes: readonly ErrorCode[];
  readonly passed: boolean;
}

export interface VerifyReport {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly passed: boolean;
  /** The distinct codes of every failed check of the run (or of what stopped it); empty when it passed. */
  readonly failureCodes: readonly ErrorCode[];
  readonly functions: readonly FunctionReport[];
  /**
   * What stopped the run (no engine, a catalog mistake) before it had a report of its functions,
   * so CI reads this run's code instead of a previous run's report. @default none (the run finished)
   */
  readonly stoppedBy?: { readonly code: ErrorCode; readonly message: string };
}

/** The report of a run that threw instead of finishing: failed, with the error's code. */
export function stoppedRunReport(startedAt: string, durationMs: number, error: unknown): VerifyReport {
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return { startedAt, durationMs, passed: false, failureCodes: [code], functions: [], stoppedBy: { code, message } };
}

/** The run's report: passed when every function did (and there is one), with the run's codes. */
export function verifyReport(startedAt: string, durationMs: number, functions: readonly FunctionReport[]): VerifyReport {
  return {
    startedAt,
    durationMs,
    passed: functions.length > 0 && functions.every((fn) => fn.passed),
    failureCodes: distinctFailureCodes(functions.flatMap((fn) => fn.checks)),
    functions,
  };
}

export function functionReport(
  name: string,
  base: string,
  results: readonly CheckResult[],
  artifact?: ArtifactSummary,
): FunctionReport {
  // Every failed check gets its code here too: import-smoke results and cached ones skip timedCheck.
  const checks = results.map(withFailureCode);
  const warnings = checks.filter((c) => c.warning).map((c) => `${c.name}: ${c.warning}`);
  const failureCodes = distinctFailureCodes(checks);
  return { name, base, artifact, checks, warnings, failureCodes, passed: checks.length > 0 && checks.every((c) => c.passed) };
}

/** Runs one check, turning a thrown error into a failed result instead of losing the others. */
export async function timedCheck(
  kind: CheckKind,
  name: string,
  run: () => Promise<Omit<CheckResult, 'kind' | 'name' | 'durationMs'>>,
): Promise<CheckResult> {
  const started = performance.now();
  try {
    const outcome = await run();
    return withFailureCode({ kind, name, ...outcome, durationMs: Math.round(performance.now() - started) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind, name, passed: false, errorType: 'Harness.Error', code: errorCodeOf(error), message, durationMs: Math.round(performance.now() - started) };
  }
}
