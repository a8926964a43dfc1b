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

export const MIB = 1024 * 1024;

/** `52.4 MiB` */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** `file` or `files` */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
