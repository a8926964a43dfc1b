/**
 * An inspection report as the inspect check of `verify`: passed unless a fail is left
 * unacknowledged, every warn and fail in the message, acknowledged findings listed with their
 * reasons (verify.json, console, JUnit), and a stale or wrong acknowledgement as the check's warning.
 */
import { ACKNOWLEDGEMENTS_RULE } from '../inspect/acknowledgements';
import { InspectionReport, Verdict } from '../inspect/types';
import { AcknowledgedFinding, CheckResult } from '../suite/check-result';

export function inspectionCheck(report: InspectionReport): Omit<CheckResult, 'kind' | 'name' | 'durationMs'> {
  const problems = report.verdicts.filter((verdict) => verdict.level !== 'pass');
  const lines = problems.map(describe);
  const failed = problems.filter((verdict) => verdict.level === 'fail' && verdict.acknowledged === undefined);
  const acknowledged: AcknowledgedFinding[] = problems
    .filter((verdict) => verdict.acknowledged !== undefined)
    .map((verdict) => ({ rule: verdict.rule, level: verdict.level as AcknowledgedFinding['level'], message: verdict.message, reason: verdict.acknowledged! }));
  const stale = problems.filter((verdict) => verdict.rule === ACKNOWLEDGEMENTS_RULE && verdict.level === 'warn');
  return {
    passed: report.passed,
    errorType: failed.length > 0 ? `Inspect.${failed[0].rule}` : undefined,
    message: lines.length > 0 ? lines.join('\n') : `${report.verdicts.length} rules passed in ${Math.round(report.durationMs)} ms`,
    ...(stale.length > 0 ? { warning: stale.map((verdict) => `${verdict.message}. Fix: ${verdict.fix}`).join('\n') } : {}),
    ...(acknowledged.length > 0 ? { acknowledged } : {}),
  };
}

function describe(verdict: Verdict): string {
  const mark = verdict.acknowledged !== undefined ? `ACKNOWLEDGED ${verdict.level}` : verdict.level.toUpperCase();
  return `${mark} ${verdict.rule}: ${verdict.message}` +
    (verdict.acknowledged !== undefined ? `\n    reason: ${verdict.acknowledged}` : '') +
    verdict.evidence.slice(0, 5).map((e) => `\n    ${e.file}: ${e.detail}`).join('') + (verdict.fix ? `\n    fix: ${verdict.fix}` : '');
}
