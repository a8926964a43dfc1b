/**
 * JUnit XML, one testsuite per function and one testcase per check, for CI dashboards. A failure's
 * `type` is its stable code (README "Error codes"); Lambda's error type opens its message.
 */
import { VerifyReport } from '../suite/check-result';

export function formatJunitReport(report: VerifyReport): string {
  const suites = report.functions.map((fn) => {
    const failures = fn.checks.filter((c) => !c.passed).length;
    const seconds = fn.checks.reduce((sum, c) => sum + c.durationMs, 0) / 1000;
    const cases = fn.checks.map((check) => {
      const open = `    <testcase classname="${xml(fn.name)}.${check.kind}" name="${xml(check.name)}" time="${(check.durationMs / 1000).toFixed(3)}"`;
      // Warnings and acknowledged findings go to the case's output: CI shows them without failing.
      const notes = [
        ...(check.warning ? [`WARNING: ${check.warning}`] : []),
        ...(check.acknowledged ?? []).map((finding) => `ACKNOWLEDGED ${finding.level} ${finding.rule}: ${finding.message} (reason: ${finding.reason})`),
      ];
      const output = notes.length > 0 ? `\n      <system-out>${xml(notes.join('\n'))}</system-out>` : '';
      if (check.passed) return output ? `${open}>${output}\n    </testcase>` : `${open}/>`;
      const type = check.code ?? 'HARNESS_BUG';
      const summary = [check.errorType, check.message.split('\n')[0]].filter(Boolean).join(': ');
      const body = check.errorType ? `errorType: ${check.errorType}\n${check.message}` : check.message;
      return `${open}>\n      <failure type="${type}" message="${xml(summary)}">${xml(body)}</failure>${output}\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xml(fn.name)}" tests="${fn.checks.length}" failures="${failures}" time="${seconds.toFixed(3)}">`,
      `    <properties><property name="base" value="${xml(fn.base)}"/>${fn.artifact ? `<property name="artifact" value="${xml(`${fn.artifact.kind} ${fn.artifact.reference} ${fn.artifact.hash}`)}"/>` : ''}${
      fn.failureCodes.length > 0 ? `<property name="failureCodes" value="${fn.failureCodes.join(',')}"/>` : ''}</properties>`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  // A run stopped before any check is one failed case, so CI shows why instead of "0 tests".
  if (report.stoppedBy) {
    suites.push([
      '  <testsuite name="verify" tests="1" failures="1" time="0.000">',
      `    <testcase classname="verify" name="run" time="${(report.durationMs / 1000).toFixed(3)}">`,
      `      <failure type="${report.stoppedBy.code}" message="${xml(report.stoppedBy.message.split('\n')[0])}">${xml(report.stoppedBy.message)}</failure>`,
      '    </testcase>',
      '  </testsuite>',
    ].join('\n'));
  }
  const total = report.functions.reduce((n, fn) => n + fn.checks.length, 0) + (report.stoppedBy ? 1 : 0);
  const failed = report.functions.reduce((n, fn) => n + fn.checks.filter((c) => !c.passed).length, 0) + (report.stoppedBy ? 1 : 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="verify" tests="${total}" failures="${failed}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters, which tracebacks can carry.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}
