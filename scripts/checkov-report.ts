/**
 * Runs checkov once over every synthesized stack (terraform_json framework) and judges the result
 * against stacks/checkov-skips.json: any failed check not listed there fails, and so does a skip
 * that matches nothing. Called by scripts/checkov.sh with the virtualenv's checkov.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../model/paths';
import { runMain } from './stack-command';
import { OptionSpec, formatOptions, parseOptionsOnly } from '../harness/cli/cli-args';
import { lastLines } from '../harness/process/output-tail';
import { runProcessAllowingFailure } from '../harness/process/run-process';

export interface CheckovSkip {
  readonly check: string;
  readonly reason: string;
  /** Logical-id patterns (`dashboard_url_*`); @default every resource */
  readonly resources?: readonly string[];
}

export interface CheckovFailure {
  readonly check: string;
  readonly name: string;
  /** `/preprod/cdk.tf.json` */
  readonly file: string;
  /** checkov's resource id: `resource.dashboard_url_7C442BE8` or `aws_s3_bucket.stores_models_bucket_33364EF9` */
  readonly resource: string;
}

export const SKIPS_FILE = path.join(REPO_ROOT, 'stacks', 'checkov-skips.json');

export function readSkips(file = SKIPS_FILE): CheckovSkip[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { skips?: CheckovSkip[] };
  const skips = parsed.skips ?? [];
  for (const skip of skips) {
    if (!/^CKV2?_[A-Z0-9]+_\d+$/.test(skip.check ?? '') || !skip.reason || skip.reason.trim().length < 20) {
      throw new Error(`${file}: every skip needs a checkov id ('CKV_AWS_117') and a reason of a sentence or more; got ${JSON.stringify(skip)}.`);
    }
  }
  return skips;
}

const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

export function skipFor(failure: CheckovFailure, skips: readonly CheckovSkip[]): CheckovSkip | undefined {
  const logicalId = failure.resource.split('.').pop() ?? failure.resource;
  return skips.find((skip) => skip.check === failure.check && (!skip.resources || skip.resources.some((pattern) => glob(pattern).test(logicalId))));
}

export interface CheckovJudgement {
  readonly passed: number;
  readonly failures: readonly CheckovFailure[];
  readonly accepted: readonly { failure: CheckovFailure; skip: CheckovSkip }[];
  readonly unexpected: readonly CheckovFailure[];
  readonly staleSkips: readonly CheckovSkip[];
}

/** checkov's JSON output (one report, or a list of them per framework) -> what the skip list makes of it. */
export function judgeCheckovOutput(output: unknown, skips: readonly CheckovSkip[]): CheckovJudgement {
  type Report = { summary?: { passed?: number }; results?: { failed_checks?: Array<{ check_id: string; check_name: string; file_path: string; resource: string }> } };
  const reports = (Array.isArray(output) ? output : [output]) as Report[];
  const failures = reports.flatMap((report) =>
    (report.results?.failed_checks ?? []).map((f) => ({ check: f.check_id, name: f.check_name, file: f.file_path, resource: f.resource })),
  );
  const accepted: { failure: CheckovFailure; skip: CheckovSkip }[] = [];
  const unexpected: CheckovFailure[] = [];
  for (const failure of failures) {
    const skip = skipFor(failure, skips);
    if (skip) accepted.push({ failure, skip });
    else unexpected.push(failure);
  }
  const used = new Set(accepted.map(({ skip }) => skip));
  return {
    passed: reports.reduce((sum, report) => sum + (report.summary?.passed ?? 0), 0),
    failures,
    accepted,
    unexpected,
    staleSkips: skips.filter((skip) => !used.has(skip)),
  };
}

const REPORT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  checkov: { kind: 'value', description: 'the checkov executable (default checkov on PATH)' },
  outdir: { kind: 'value', description: 'the synthesis directory to scan (default .work/stack-review)' },
};

export function parseReportArgs(argv: readonly string[]): { checkov: string; outdir: string } {
  const usage = `Usage: checkov-report.ts [--checkov <path>] [--outdir <synth dir>]\n${formatOptions(REPORT_OPTIONS)}`;
  const { values } = parseOptionsOnly(argv, REPORT_OPTIONS, usage);
  return {
    checkov: values.checkov ?? 'checkov',
    outdir: path.resolve(values.outdir ?? path.join(REPO_ROOT, '.work', 'stack-review')),
  };
}

if (require.main === module) {
  runMain(async () => {
    const { checkov, outdir } = parseReportArgs(process.argv.slice(2));
    const stacksDir = path.join(outdir, 'stacks');
    if (!fs.existsSync(stacksDir)) throw new Error(`No synthesized stacks in ${stacksDir}. Run \`npm run check-stacks -- --placeholder-manifest --outdir ${outdir}\` first.`);
    // --skip-download: no call to checkov's vendor API (unreachable here; it only adds guideline links).
    // checkov exits 1 when a check fails: the skip list judges that, so any exit code is read.
    const run = await runProcessAllowingFailure(checkov, ['-d', stacksDir, '--framework', 'terraform_json', '-o', 'json', '--compact', '--quiet', '--skip-download'], {
      hint: 'Run `npm run checkov`, which installs checkov.',
    });
    let output: unknown;
    try {
      output = JSON.parse(run.stdout);
    } catch {
      throw new Error(`checkov did not print a JSON report (exit ${run.exitCode}):\n  ${lastLines(run.stderr, 30).join('\n  ')}`);
    }
    const skips = readSkips();
    const judgement = judgeCheckovOutput(output, skips);
    console.log(`checkov on ${stacksDir}: ${judgement.passed} passed, ${judgement.failures.length} failed (${judgement.accepted.length} accepted by stacks/checkov-skips.json)`);
    for (const failure of judgement.unexpected) {
      console.error(`  FAIL ${failure.check} ${failure.file} ${failure.resource}: ${failure.name}`);
    }
    for (const skip of judgement.staleSkips) {
      console.error(`  STALE skip ${skip.check}${skip.resources ? ` (${skip.resources.join(', ')})` : ''}: it matches no failure any more; remove it from stacks/checkov-skips.json`);
    }
    if (judgement.unexpected.length > 0 || judgement.staleSkips.length > 0) {
      console.error('checkov FAILED: fix the stacks, or list the check in stacks/checkov-skips.json with the reason it does not apply.');
      process.exit(1);
    }
    console.log('checkov: 0 failures outside the skip list.');
  });
}
