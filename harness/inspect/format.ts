/** Console rendering of an inspection report: one line per verdict, evidence and fix below. */
import { InspectionReport, VerdictLevel } from './types';

const MARK: Readonly<Record<VerdictLevel, string>> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

export interface FormatOptions {
  /** Evidence lines shown per verdict before "... and N more". @default 10 */
  readonly maxEvidence?: number;
  /** Show passing verdicts' messages. @default true */
  readonly showPasses?: boolean;
}

export function formatInspectionReport(report: InspectionReport, options: FormatOptions = {}): string {
  const maxEvidence = options.maxEvidence ?? 10;
  const showPasses = options.showPasses ?? true;
  const lines: string[] = [`Inspection of ${report.target} (${report.runtime}, ${report.architecture})`];
  for (const verdict of report.verdicts) {
    if (verdict.level === 'pass' && !showPasses) continue;
    lines.push(`  ${MARK[verdict.level]}  ${verdict.rule}: ${verdict.message}${verdict.acknowledged !== undefined ? ' (acknowledged)' : ''}`);
    if (verdict.level === 'pass') continue;
    if (verdict.acknowledged !== undefined) lines.push(`          acknowledged: ${verdict.acknowledged}`);
    for (const item of verdict.evidence.slice(0, maxEvidence)) lines.push(`          ${item.file}: ${item.detail}`);
    if (verdict.evidence.length > maxEvidence) lines.push(`          ... and ${verdict.evidence.length - maxEvidence} more`);
    if (verdict.fix) lines.push(`          fix: ${verdict.fix}`);
  }
  const count = (level: VerdictLevel): number => report.verdicts.filter((verdict) => verdict.level === level).length;
  const acknowledged = report.verdicts.filter((verdict) => verdict.acknowledged !== undefined).length;
  lines.push(
    `  ${report.passed ? 'PASSED' : 'FAILED'}: ${count('pass')} pass, ${count('warn')} warn, ${count('fail')} fail` +
      `${acknowledged > 0 ? ` (${acknowledged} acknowledged)` : ''} (${Math.round(report.durationMs)} ms)`,
  );
  return lines.join('\n');
}
