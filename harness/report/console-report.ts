/** Renders the verify report as a table for the terminal, failures with their full evidence. */
import { VerifyReport } from '../suite/check-result';
import { formatBytes } from '../../model/byte-size';

export function formatConsoleReport(report: VerifyReport): string {
  const rows: string[][] = [['function', 'check', 'result', 'ms', 'detail']];
  for (const fn of report.functions) {
    for (const check of fn.checks) {
      const cached = check.cachedAt ? `cached (result of ${check.cachedAt})` : '';
      const detail = check.passed
        ? [cached, firstLine(check.warning ?? '')].filter(Boolean).join('; ')
        : [cached, [check.code, check.errorType].filter(Boolean).join(' '), firstLine(check.message)].filter(Boolean).join(': ');
      const result = !check.passed ? 'FAIL' : check.warning ? 'WARN' : 'PASS';
      rows.push([fn.name, `${check.kind}: ${check.name}`, result, String(check.durationMs), detail]);
    }
  }
  const widths = rows[0].map((_, col) => Math.min(70, Math.max(...rows.map((row) => row[col].length))));
  const render = (row: string[]) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ');
  const lines = [render(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(render)];

  lines.push('');
  for (const fn of report.functions) {
    const artifact = !fn.artifact
      ? 'no artifact'
      : fn.artifact.kind === 'remote'
        ? `deployed ${fn.artifact.reference}`
        : `${fn.artifact.kind} ${fn.artifact.reference} (${formatBytes(fn.artifact.bytes)}, hash ${fn.artifact.hash.slice(0, 12)}${fn.artifact.cacheHit ? ', cache hit' : ''}${fn.artifact.sbom ? `, SBOM ${fn.artifact.sbom.components} components` : ''})`;
    lines.push(`${fn.passed ? 'PASS' : 'FAIL'} ${fn.name}: ${artifact}; base: ${fn.base}`);
    for (const check of fn.checks.filter((c) => !c.passed)) {
      lines.push(`  x ${check.kind}: ${check.name}`);
      if (check.code) lines.push(`      code:         ${check.code}`);
      if (check.errorType) lines.push(`      errorType:    ${check.errorType}`);
      lines.push(...check.message.split('\n').map((line, i) => `      ${i === 0 ? 'errorMessage: ' : '              '}${line}`));
    }
    // Accepted in the catalog, said every time with the reason, never hidden.
    for (const finding of fn.checks.flatMap((c) => c.acknowledged ?? [])) {
      lines.push(`  ~ ACKNOWLEDGED ${finding.level} ${finding.rule}: ${firstLine(finding.message)}`);
      lines.push(`      reason: ${finding.reason}`);
    }
    for (const check of fn.checks.filter((c) => c.passed && c.warning)) {
      lines.push(`  ! WARNING ${check.kind}: ${check.name}`);
      lines.push(...check.warning!.split('\n').map((line) => `      ${line}`));
    }
    // What the engine itself cannot check (--engine rie), said every time.
    for (const warning of fn.warnings.filter((w) => w.startsWith('engine '))) lines.push(`  ! WARNING ${warning}`);
  }
  const failed = report.functions.filter((fn) => !fn.passed).map((fn) => fn.name);
  const warnings = report.functions.reduce((n, fn) => n + fn.warnings.length, 0);
  lines.push('', failed.length === 0
    ? `All ${report.functions.length} function(s) passed in ${(report.durationMs / 1000).toFixed(1)} s${warnings > 0 ? `, with ${warnings} warning(s)` : ''}.`
    : `FAILED: ${failed.join(', ')} (${failed.length} of ${report.functions.length})${report.failureCodes.length > 0 ? `; codes: ${report.failureCodes.join(', ')}` : ''}.`);
  return lines.join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 110 ? `${line.slice(0, 107)}...` : line;
}
