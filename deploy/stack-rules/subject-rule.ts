/**
 * Most stack rules judge a set of subjects one at a time (every alarm, bucket, repository, public
 * function): which subjects, what is wrong with one, and the fix. `subjectRule` builds the rule from
 * those three answers, so a rule file holds its judgement only and every rule words its pass, its
 * failure and its evidence (one line per subject, at the subject's address) the same way.
 */
import { Evidence, Verdict } from '../../harness/inspect/types';
import { fail, pass, warn } from '../../harness/inspect/verdict';
import { Addressed, StackRule, StackView } from './types';

export interface SubjectRuleSpec<Subject extends Addressed> {
  readonly id: string;
  readonly description: string;
  readonly protectsAgainst: string;
  /** What the rule judges in a stack. */
  readonly subjects: (stack: StackView) => readonly Subject[];
  /** What is wrong with one subject, in one line; undefined when nothing is. */
  readonly problem: (subject: Subject, stack: StackView) => string | undefined;
  /** The pass message for `count` judged subjects (count may be 0). */
  readonly passed: (count: number) => string;
  /** The message when `offending` of `total` subjects have a problem. */
  readonly failed: (offending: number, total: number) => string;
  readonly fix: string;
  /** A warning rather than a failure (a subscriber that comes from configuration). @default 'fail' */
  readonly severity?: 'fail' | 'warn';
  /**
   * Stacks where the problem is expected (a rehearsal against a local plain-HTTP endpoint): they
   * get a warning whose message says why, with this fix. @default none
   */
  readonly expectedIn?: (stack: StackView) => { readonly reason: string; readonly fix: string } | undefined;
}

export function subjectRule<Subject extends Addressed>(spec: SubjectRuleSpec<Subject>): StackRule {
  return {
    id: spec.id,
    description: spec.description,
    protectsAgainst: spec.protectsAgainst,
    check(stack): Verdict {
      const subjects = spec.subjects(stack);
      const evidence: Evidence[] = subjects.flatMap((subject) => {
        const problem = spec.problem(subject, stack);
        return problem === undefined ? [] : [{ file: subject.address, detail: problem }];
      });
      if (evidence.length === 0) return pass(spec.id, spec.passed(subjects.length));
      const message = spec.failed(evidence.length, subjects.length);
      const expected = spec.expectedIn?.(stack);
      if (expected) return warn(spec.id, `${message}: ${expected.reason}`, evidence, expected.fix);
      return (spec.severity === 'warn' ? warn : fail)(spec.id, message, evidence, spec.fix);
    },
  };
}
