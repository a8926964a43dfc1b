/** Builders for verdicts, so every rule words pass/warn/fail the same way. */
import { Evidence, Verdict } from './types';

export function pass(rule: string, message: string, evidence: readonly Evidence[] = []): Verdict {
  return { rule, level: 'pass', message, evidence, fix: '' };
}

export function warn(rule: string, message: string, evidence: readonly Evidence[], fix: string): Verdict {
  return { rule, level: 'warn', message, evidence, fix };
}

export function fail(rule: string, message: string, evidence: readonly Evidence[], fix: string): Verdict {
  return { rule, level: 'fail', message, evidence, fix };
}

/** `file` or `files` */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
