/**
 * Our stack rule pack, and running it over synthesized stacks (cdk-nag style: rules are pure
 * functions of the stack's Terraform JSON). `npm run synth`, `plan`, `deploy` and `check-stacks` run it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fail } from '../../harness/inspect/verdict';
import { Verdict, VerdictLevel } from '../../harness/inspect/types';
import { alarmActionsRule } from './rules/alarm-actions';
import { alertSubscriberRule } from './rules/alert-subscriber';
import { asyncFailureDestinationRule } from './rules/async-failure-destination';
import { bucketTlsOnlyRule } from './rules/bucket-tls-only';
import { ecrRepositoryHardenedRule } from './rules/ecr-repository-hardened';
import { functionUrlPermissionsRule } from './rules/function-url-permissions';
import { iamNoWildcardActionsRule } from './rules/iam-no-wildcard-actions';
import { imageDigestPinnedRule } from './rules/image-digest-pinned';
import { publicFunctionConcurrencyRule } from './rules/public-function-concurrency';
import { versionedBucketLifecycleRule } from './rules/versioned-bucket-lifecycle';
import { StackJson, StackReport, StackRule, StackView } from './types';

export const STACK_RULES: readonly StackRule[] = [
  functionUrlPermissionsRule,
  publicFunctionConcurrencyRule,
  asyncFailureDestinationRule,
  alarmActionsRule,
  alertSubscriberRule,
  imageDigestPinnedRule,
  ecrRepositoryHardenedRule,
  iamNoWildcardActionsRule,
  bucketTlsOnlyRule,
  versionedBucketLifecycleRule,
];

/** Runs every rule on one stack; a rule that throws becomes a fail, not a crash. */
export function checkStack(name: string, json: StackJson, rules: readonly StackRule[] = STACK_RULES): StackReport {
  const view = new StackView(name, json);
  const verdicts: Verdict[] = rules.map((rule) => {
    try {
      return rule.check(view);
    } catch (error) {
      return fail(rule.id, `the rule itself failed: ${error instanceof Error ? error.message : String(error)}`, [], 'This is a bug in the stack rule; report it with the stack that triggers it.');
    }
  });
  return { stack: name, verdicts, passed: verdicts.every((verdict) => verdict.level !== 'fail') };
}

/** Reads `<outdir>/stacks/<stack>/cdk.tf.json` and checks it. */
export function checkSynthesizedStack(outdir: string, stack: string, rules: readonly StackRule[] = STACK_RULES): StackReport {
  const file = path.join(outdir, 'stacks', stack, 'cdk.tf.json');
  if (!fs.existsSync(file)) throw new Error(`No synthesized stack at ${file}. Synthesize it first (npm run synth -- ${stack}).`);
  return checkStack(stack, JSON.parse(fs.readFileSync(file, 'utf8')) as StackJson, rules);
}

const MARK: Readonly<Record<VerdictLevel, string>> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

/** One line per rule; evidence and fix under warnings and failures. */
export function formatStackReport(report: StackReport, options: { readonly showPasses?: boolean } = {}): string {
  const lines = [`Stack rules on '${report.stack}':`];
  for (const verdict of report.verdicts) {
    if (verdict.level === 'pass' && options.showPasses === false) continue;
    lines.push(`  ${MARK[verdict.level]}  ${verdict.rule}: ${verdict.message}`);
    if (verdict.level === 'pass') continue;
    for (const item of verdict.evidence) lines.push(`          ${item.file}: ${item.detail}`);
    if (verdict.fix) lines.push(`          fix: ${verdict.fix}`);
  }
  const count = (level: VerdictLevel) => report.verdicts.filter((verdict) => verdict.level === level).length;
  lines.push(`  ${report.passed ? 'PASSED' : 'FAILED'}: ${count('pass')} pass, ${count('warn')} warn, ${count('fail')} fail`);
  return lines.join('\n');
}

/**
 * Checks synthesized stacks and prints the reports (warnings included, passes condensed).
 * Returns false when any stack fails a rule; the caller refuses to go on.
 */
export function enforceStackRules(outdir: string, stacks: readonly string[], log: (line: string) => void = console.log): boolean {
  let passed = true;
  for (const stack of stacks) {
    const report = checkSynthesizedStack(outdir, stack);
    passed &&= report.passed;
    log(formatStackReport(report, { showPasses: false }));
  }
  return passed;
}
