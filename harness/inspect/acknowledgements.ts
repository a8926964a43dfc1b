/**
 * A function's acknowledged inspection findings (the catalog's `acknowledgements`), applied to
 * the pack's verdicts, as cdk-nag applies suppressions: a matched warn or fail is marked with its
 * reason and no longer fails, its level untouched. Mistakes in the acknowledgements are verdicts
 * of their own, under the rule id `acknowledgements`: one naming a rule the pack does not have,
 * without a real reason, or given twice fails; one that matches no finding (stale) warns, since
 * it would hide that rule's next finding unseen.
 */
import { InspectionAcknowledgement } from '../../model/function-spec';
import { ArtifactView, InspectionRule, Verdict } from './types';
import { fail, warn } from './verdict';

export const ACKNOWLEDGEMENTS_RULE = 'acknowledgements';
/** As cdk-nag asks of a suppression's reason: a word or two is not a reason. */
export const MIN_REASON_LENGTH = 10;

export interface AcknowledgementContext {
  /** Named in every message. @default 'the function' */
  readonly functionName?: string;
  /** The pack that ran: the rules an acknowledgement may name. */
  readonly rules: readonly InspectionRule[];
  readonly kind: ArtifactView['kind'];
}

export function applyAcknowledgements(
  verdicts: readonly Verdict[],
  acknowledgements: readonly InspectionAcknowledgement[],
  context: AcknowledgementContext,
): Verdict[] {
  const where = context.functionName ? `function '${context.functionName}'` : 'the function';
  const known = context.rules.map((rule) => rule.id);
  const problems: Verdict[] = [];
  const accepted = new Map<string, string>();
  for (const { rule, reason } of acknowledgements) {
    const evidence = [{ file: '(catalog acknowledgements)', detail: `{ rule: '${rule}', reason: '${reason}' }` }];
    if (!known.includes(rule)) {
      problems.push(fail(ACKNOWLEDGEMENTS_RULE, `${where} acknowledges rule '${rule}', which the rule pack does not have`, evidence,
        `Use one of the pack's rule ids (${known.join(', ')}), or remove the acknowledgement.`));
    } else if (accepted.has(rule)) {
      problems.push(fail(ACKNOWLEDGEMENTS_RULE, `${where} acknowledges rule '${rule}' twice`, evidence, 'Keep one acknowledgement per rule, with one reason.'));
    } else if ((reason ?? '').trim().length < MIN_REASON_LENGTH) {
      problems.push(fail(ACKNOWLEDGEMENTS_RULE, `${where} acknowledges rule '${rule}' without a reason (got '${reason ?? ''}')`, evidence,
        `Say why the finding is acceptable for this function, in at least ${MIN_REASON_LENGTH} characters.`));
    } else {
      accepted.set(rule, reason.trim());
    }
  }
  const marked = verdicts.map((verdict) => {
    const reason = accepted.get(verdict.rule);
    return reason !== undefined && verdict.level !== 'pass' ? { ...verdict, acknowledged: reason } : verdict;
  });
  for (const rule of accepted.keys()) {
    if (marked.some((verdict) => verdict.rule === rule && verdict.acknowledged !== undefined)) continue;
    const applies = context.rules.find((candidate) => candidate.id === rule)!.appliesTo.includes(context.kind);
    problems.push(warn(
      ACKNOWLEDGEMENTS_RULE,
      `${where} acknowledges rule '${rule}', which finds nothing here (${applies ? 'it passed' : `it does not apply to ${context.kind} artifacts`}): a stale acknowledgement would hide its next finding`,
      [{ file: '(catalog acknowledgements)', detail: `{ rule: '${rule}', reason: '${accepted.get(rule)}' }` }],
      `Remove the acknowledgement of '${rule}' from ${where}'s catalog entry.`,
    ));
  }
  return [...marked, ...problems];
}

/** An inspection passes when no fail is left unacknowledged. */
export function inspectionPassed(verdicts: readonly Verdict[]): boolean {
  return verdicts.every((verdict) => verdict.level !== 'fail' || verdict.acknowledged !== undefined);
}
