/**
 * Who owns a container or helper process: this harness process, named by its pid and its start
 * time (a pid alone can be reused after a `kill -9`). Everything the harness starts carries the
 * owner, so the next start can reap what a dead owner left behind (harness/lifecycle/reap.ts).
 */
import * as fs from 'node:fs';

/** The label key every container started by the harness carries (`sentiment-harness=1` marks them as ours). */
export const HARNESS_LABEL = 'sentiment-harness';
/** The label key naming the owning process: `<pid>-<start time>`. */
export const OWNER_LABEL = `${HARNESS_LABEL}.owner`;

/** Start time of a process in clock ticks since boot (Linux), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process as an owner: `<pid>-<start time>`. */
export function ownerId(pid = process.pid): string {
  return `${pid}-${processStartTime(pid) ?? 'unknown'}`;
}

/** True while the process named by an owner id runs (same pid AND same start time). */
export function ownerAlive(owner: string): boolean {
  const match = /^(\d+)-(.+)$/.exec(owner);
  if (!match) return true; // not ours to judge: never reap what we cannot identify
  const pid = Number(match[1]);
  const started = processStartTime(pid);
  if (started !== undefined) return match[2] === 'unknown' || started === match[2];
  return processAlive(pid); // no /proc (not Linux): fall back to "a process with this pid exists"
}

/** True while a process with this pid exists (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The entries of `dir` left by processes that are gone: `pidOf` reads the owning pid from a name
 * (undefined or NaN: not such an entry). This process's own entries are never listed; an
 * unreadable `dir` lists nothing. What reaping staging or /tmp directories starts from.
 */
export function entriesOfGoneProcesses(dir: string, pidOf: (name: string) => number | undefined): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const pid = pidOf(name);
    return pid !== undefined && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid);
  });
}

/**
 * The labels for anything the harness starts: the one place they are made. HarnessContainer
 * (harness/docker/harness-container.ts) puts them on every container it starts, with
 * `.withLabels(ownerLabels())`.
 */
export function ownerLabels(): Record<string, string> {
  return { [HARNESS_LABEL]: '1', [OWNER_LABEL]: ownerId() };
}

