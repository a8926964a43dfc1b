/**
 * Acknowledged inspection findings (the catalog's per-function `acknowledgements`): matching,
 * the mistakes they can hold, what the inspect check of verify makes of them, and how verify.json,
 * the console and JUnit report them. No Docker: the artifacts are in-memory views.
 */
import { ACKNOWLEDGEMENTS_RULE, applyAcknowledgements } from '../../../harness/inspect/acknowledgements';
import { DEFAULT_PACK } from '../../../harness/inspect/default-pack';
import { formatInspectionReport } from '../../../harness/inspect/format';
import { inspectView } from '../../../harness/inspect/inspect';
import { BASE_DIGEST_LABEL } from '../../../harness/inspect/rules/image-base-pinned';
import { Verdict } from '../../../harness/inspect/types';
import { formatConsoleReport } from '../../../harness/report/console-report';
import { inspectionCheck } from '../../../harness/report/inspection-check';
import { formatJunitReport } from '../../../harness/report/junit-report';
import { functionReport, verifyReport } from '../../../harness/suite/check-result';
import { TARGET, file, imageView, zipView } from './views';

const PINNED = { labels: { [BASE_DIGEST_LABEL]: `sha256:${'b'.repeat(64)}` } };
/** An image whose only problems are the ones the tests add: root user (fail), base by tag (warn). */
const ROOT_UNPINNED = imageView([file('var/task/handler.py')], {}, { user: '' });
const CLEAN_IMAGE = imageView([file('var/task/handler.py')], {}, PINNED);
const REASON = 'the base is the stand-in, built here and recorded by its image id';

function verdictOf(verdicts: readonly Verdict[], rule: string): Verdict {
  const verdict = verdicts.find((candidate) => candidate.rule === rule);
  if (!verdict) throw new Error(`no verdict for ${rule}: ${verdicts.map((v) => v.rule).join(', ')}`);
  return verdict;
}

describe('acknowledging inspection findings', () => {
  test('an acknowledged warn is marked with the reason and keeps the level the pack gave it', () => {
    const report = inspectView(imageView([file('var/task/handler.py')]), {
      ...TARGET, functionName: 'analysis', acknowledgements: [{ rule: 'image-base-pinned', reason: REASON }],
    });
    expect(verdictOf(report.verdicts, 'image-base-pinned')).toMatchObject({ level: 'warn', acknowledged: REASON });
    expect(report.passed).toBe(true);
    expect(report.verdicts.some((verdict) => verdict.rule === ACKNOWLEDGEMENTS_RULE)).toBe(false);
  });

  test('an acknowledged fail no longer fails the inspection, and stays a fail in the report', () => {
    const unacknowledged = inspectView(ROOT_UNPINNED, TARGET);
    expect(unacknowledged.passed).toBe(false);
    const report = inspectView(ROOT_UNPINNED, {
      ...TARGET, functionName: 'legacy', acknowledgements: [{ rule: 'image-user', reason: 'a vendor image we cannot rebuild; it runs as root in Lambda too' }],
    });
    expect(verdictOf(report.verdicts, 'image-user')).toMatchObject({ level: 'fail', acknowledged: expect.stringContaining('vendor image') });
    expect(report.passed).toBe(true);
    // The other finding (base by tag) is not covered by it.
    expect(verdictOf(report.verdicts, 'image-base-pinned').acknowledged).toBeUndefined();
    const text = formatInspectionReport(report);
    expect(text).toMatch(/FAIL {2}image-user: .* \(acknowledged\)\n {10}acknowledged: a vendor image/);
    expect(text).toMatch(/PASSED: \d+ pass, 1 warn, 1 fail \(1 acknowledged\)/);
  });

  test('an acknowledgement naming a rule the pack does not have is an error naming the function, the rule and the known ids', () => {
    const report = inspectView(CLEAN_IMAGE, { ...TARGET, functionName: 'analysis', acknowledgements: [{ rule: 'image-base-pined', reason: REASON }] });
    const problem = verdictOf(report.verdicts, ACKNOWLEDGEMENTS_RULE);
    expect(problem.level).toBe('fail');
    expect(problem.message).toBe("function 'analysis' acknowledges rule 'image-base-pined', which the rule pack does not have");
    expect(problem.fix).toContain('image-base-pinned');
    expect(report.passed).toBe(false);
  });

  test('a stale acknowledgement (its rule passed, or does not apply to this kind of artifact) warns, naming function and rule', () => {
    const passed = inspectView(CLEAN_IMAGE, { ...TARGET, functionName: 'analysis', acknowledgements: [{ rule: 'image-base-pinned', reason: REASON }] });
    expect(verdictOf(passed.verdicts, ACKNOWLEDGEMENTS_RULE)).toMatchObject({
      level: 'warn',
      message: "function 'analysis' acknowledges rule 'image-base-pinned', which finds nothing here (it passed): a stale acknowledgement would hide its next finding",
      fix: "Remove the acknowledgement of 'image-base-pinned' from function 'analysis''s catalog entry.",
    });
    expect(passed.passed).toBe(true);
    const otherKind = inspectView(zipView([file('handler.py')]), { ...TARGET, functionName: 'ingestion', acknowledgements: [{ rule: 'image-user', reason: 'not our image, not our user' }] });
    expect(verdictOf(otherKind.verdicts, ACKNOWLEDGEMENTS_RULE).message).toContain('it does not apply to zip artifacts');
  });

  test.each([
    ['no real reason', [{ rule: 'image-base-pinned', reason: 'ok' }], /without a reason \(got 'ok'\)/],
    ['the same rule twice', [{ rule: 'image-base-pinned', reason: REASON }, { rule: 'image-base-pinned', reason: REASON }], /acknowledges rule 'image-base-pinned' twice/],
  ])('%s is an error', (_name, acknowledgements, message) => {
    const verdicts = applyAcknowledgements([], acknowledgements, { functionName: 'analysis', rules: DEFAULT_PACK, kind: 'image' });
    expect(verdicts.filter((verdict) => verdict.level === 'fail').map((verdict) => verdict.message)).toEqual([expect.stringMatching(message)]);
  });

  test('no acknowledgements: the verdicts are the pack\'s, unchanged', () => {
    const verdicts: Verdict[] = [{ rule: 'image-user', level: 'fail', message: 'root', evidence: [], fix: 'USER 1000' }];
    expect(applyAcknowledgements(verdicts, [], { rules: DEFAULT_PACK, kind: 'image' })).toEqual(verdicts);
  });
});

describe('acknowledged findings in the verify reports', () => {
  const acknowledgedReport = inspectView(ROOT_UNPINNED, {
    ...TARGET, functionName: 'legacy', acknowledgements: [{ rule: 'image-user', reason: 'a vendor image we cannot rebuild; it runs as root in Lambda too' }],
  });

  test('the inspect check passes, lists them with the reason (verify.json) and keeps every finding in its message', () => {
    const check = inspectionCheck(acknowledgedReport);
    expect(check).toMatchObject({
      passed: true,
      errorType: undefined,
      acknowledged: [{ rule: 'image-user', level: 'fail', message: expect.stringContaining('root'), reason: 'a vendor image we cannot rebuild; it runs as root in Lambda too' }],
    });
    expect(check.message).toMatch(/^ACKNOWLEDGED fail image-user: .*\n {4}reason: a vendor image/m);
    expect(check.message).toMatch(/^WARN image-base-pinned: /m);
    expect(check.warning).toBeUndefined();
  });

  test('an unknown rule fails the check with errorType Inspect.acknowledgements; a stale one is the check\'s warning', () => {
    const unknown = inspectionCheck(inspectView(CLEAN_IMAGE, { ...TARGET, functionName: 'analysis', acknowledgements: [{ rule: 'no-such-rule', reason: REASON }] }));
    expect(unknown).toMatchObject({ passed: false, errorType: 'Inspect.acknowledgements' });
    const stale = inspectionCheck(inspectView(CLEAN_IMAGE, { ...TARGET, functionName: 'analysis', acknowledgements: [{ rule: 'image-base-pinned', reason: REASON }] }));
    expect(stale.passed).toBe(true);
    expect(stale.warning).toMatch(/^function 'analysis' acknowledges rule 'image-base-pinned', which finds nothing here .*Fix: Remove/);
  });

  test('console and JUnit show each acknowledged finding with its reason, without failing', () => {
    const fn = functionReport('legacy', 'stand-in', [{ kind: 'inspect', name: 'static inspection', durationMs: 12, ...inspectionCheck(acknowledgedReport) }]);
    const report = verifyReport('2026-12-02T00:00:00.000Z', 100, [fn]);
    expect(fn.passed).toBe(true);
    const text = formatConsoleReport(report);
    expect(text).toMatch(/~ ACKNOWLEDGED fail image-user: .*root.*\n {6}reason: a vendor image we cannot rebuild/);
    expect(text).toContain('All 1 function(s) passed');
    const xml = formatJunitReport(report);
    expect(xml).toContain('failures="0"');
    expect(xml).toMatch(/<system-out>ACKNOWLEDGED fail image-user: .*\(reason: a vendor image we cannot rebuild; it runs as root in Lambda too\)<\/system-out>/);
  });
});
