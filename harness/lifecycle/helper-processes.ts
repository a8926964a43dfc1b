/**
 * Pid files for the helper processes the harness starts (the moto server): one JSON file per
 * process naming its owner, so the next start can kill the helpers of an owner that died by
 * `kill -9` (nothing else would ever stop them, and they keep their ports).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ownerId } from '../docker/owner';

/** Machine-wide, like the Docker engine: any checkout's harness reaps any dead owner's helpers. */
export const HELPER_PID_DIR = path.join(os.tmpdir(), 'sentiment-harness-pids');

export interface HelperRecord {
  /** What it is, e.g. 'moto'. */
  readonly kind: string;
  readonly pid: number;
  /** `ownerId()` of the harness process that started it. */
  readonly owner: string;
  /** A word its command line must contain (guards against a reused pid). */
  readonly commandMatch: string;
  readonly port?: number;
}

/** Writes the pid file of a helper this process started; returns the function that removes it. */
export function recordHelperProcess(record: Omit<HelperRecord, 'owner'>): () => void {
  fs.mkdirSync(HELPER_PID_DIR, { recursive: true });
  const file = path.join(HELPER_PID_DIR, `${record.kind}-${record.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...record, owner: ownerId() }));
  return () => fs.rmSync(file, { force: true });
}

export function readHelperRecords(): { readonly file: string; readonly record?: HelperRecord }[] {
  let names: string[];
  try {
    names = fs.readdirSync(HELPER_PID_DIR).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((name) => {
    const file = path.join(HELPER_PID_DIR, name);
    try {
      return { file, record: JSON.parse(fs.readFileSync(file, 'utf8')) as HelperRecord };
    } catch {
      return { file }; // unreadable: half-written by a process killed mid-write
    }
  });
}

/** The process's command line (NUL-separated arguments joined by spaces), or undefined if gone. */
export function commandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}
