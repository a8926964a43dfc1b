/**
 * The checkov skip list: every entry has a checkov id and a reason, and the judgement of a checkov
 * report fails on a failure outside the list and on a skip that matches nothing (a stale skip).
 * checkov itself runs in `npm run checkov` (scripts/checkov.sh), installed from PyPI.
 */
import { CheckovSkip, judgeCheckovOutput, readSkips } from '../../../scripts/checkov-report';

const report = (failed: Array<{ check_id: string; resource: string }>) => ({
  check_type: 'terraform_json',
  summary: { passed: 7, failed: failed.length },
  results: { failed_checks: failed.map((f) => ({ ...f, check_name: `name of ${f.check_id}`, file_path: '/preprod/cdk.tf.json' })) },
});

describe('stacks/checkov-skips.json', () => {
  it('lists each skipped check once per scope, with a reason', () => {
    const skips = readSkips();
    expect(skips.length).toBeGreaterThan(5);
    for (const skip of skips) expect(skip.reason.length).toBeGreaterThan(40);
    const keys = skips.map((skip) => `${skip.check} ${(skip.resources ?? ['*']).join(',')}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never skips the checks our stacks are built to pass (concurrency, DLQ everywhere, ECR immutability/scanning, SQS encryption)', () => {
    const skips = readSkips();
    for (const id of ['CKV_AWS_115', 'CKV_AWS_51', 'CKV_AWS_163', 'CKV_AWS_27']) expect(skips.find((s) => s.check === id)).toBeUndefined();
    // The DLQ check is skipped for the synchronously invoked dashboard only.
    expect(skips.find((s) => s.check === 'CKV_AWS_116')?.resources).toEqual(['dashboard_zip_function_*', 'dashboard_image_function_*']);
  });
});

describe('judging a checkov report against the skip list', () => {
  const skips: CheckovSkip[] = [
    { check: 'CKV_AWS_117', reason: 'no VPC: nothing private to reach from these functions' },
    { check: 'CKV_AWS_116', resources: ['dashboard_zip_function_*'], reason: 'synchronous URL invocations never reach a DLQ' },
  ];

  it('accepts listed failures, scoped ones only on the resources they name', () => {
    const judged = judgeCheckovOutput(
      [report([{ check_id: 'CKV_AWS_117', resource: 'resource.analysis_image_function_D31F6C96' }, { check_id: 'CKV_AWS_116', resource: 'resource.dashboard_zip_function_F81A7977' }])],
      skips,
    );
    expect(judged.unexpected).toEqual([]);
    expect(judged.staleSkips).toEqual([]);
    expect(judged.passed).toBe(7);
  });

  it('fails a listed check on a resource outside its scope (a DLQ missing on an async function)', () => {
    const judged = judgeCheckovOutput(
      report([
        { check_id: 'CKV_AWS_117', resource: 'resource.x' },
        { check_id: 'CKV_AWS_116', resource: 'resource.dashboard_zip_function_F81A7977' },
        { check_id: 'CKV_AWS_116', resource: 'resource.analysis_image_function_D31F6C96' },
      ]),
      skips,
    );
    expect(judged.unexpected.map((f) => `${f.check} ${f.resource}`)).toEqual(['CKV_AWS_116 resource.analysis_image_function_D31F6C96']);
  });

  it('reports a skip that matches nothing as stale', () => {
    const judged = judgeCheckovOutput(report([{ check_id: 'CKV_AWS_117', resource: 'resource.x' }]), skips);
    expect(judged.staleSkips.map((s) => s.check)).toEqual(['CKV_AWS_116']);
  });
});
