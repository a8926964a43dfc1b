/**
 * What a harness process killed with `kill -9` (or a crashed machine) leaves behind, removed at
 * the next start: containers whose owner is dead, helper processes (moto) whose owner is dead,
 * their pid files and ZIP staging directories (containers are found by their owner label). Only what a DEAD owner
 * left is touched: another harness running at the same time keeps everything.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerode, removeContainer } from '../docker/engine';
import { commandLine, readHelperRecords } from './helper-processes';
import { OWNER_LABEL, entriesOfGoneProcesses, ownerAlive, processStartTime } from '../docker/owner';

export interface ReapSummary {
  readonly containers: number;
  readonly helperProcesses: number;
  readonly staleFiles: number;
}

export interface ReapProps {
  /** `.work` of this checkout, whose `staging/` is checked. @default none */
  readonly workDir?: string;
  readonly log: (line: string) => void;
}

/** Files younger than this may belong to a start in progress (written before its container exists). */
const GRACE_MS = 60_000;

export async function reapOrphans(props: ReapProps): Promise<ReapSummary> {
  const { log } = props;
  const containers = await reapContainers(log);
  const helperProcesses = await reapHelperProcesses(log);
  const staleFiles = reapStaging(props.workDir);
  if (containers + helperProcesses + staleFiles > 0) {
    log(`[reap] left by a harness process that died: removed ${containers} container(s), stopped ${helperProcesses} helper process(es), deleted ${staleFiles} stale file(s)`);
  }
  return { containers, helperProcesses, staleFiles };
}

async function reapContainers(log: (line: string) => void): Promise<number> {
  const listed = await (await dockerode()).listContainers({ all: true, filters: JSON.stringify({ label: [OWNER_LABEL] }) });
  const orphans = listed.map((c) => [c.Id, c.Labels[OWNER_LABEL] ?? '', (c.Names[0] ?? c.Id).replace(/^\//, '')]).filter(([, owner]) => !ownerAlive(owner));
  if (orphans.length === 0) return 0;
  for (const [, owner, name] of orphans) log(`[reap] container ${name}: its owner (process ${owner.split('-')[0]}) is gone`);
  await Promise.all(orphans.map(([id]) => removeContainer(id))).catch((error: Error) => log(`[reap] could not remove every orphan container: ${error.message}`));
  return orphans.length;
}

async function reapHelperProcesses(log: (line: string) => void): Promise<number> {
  let stopped = 0;
  for (const { file, record } of readHelperRecords()) {
    if (!record) {
      if (olderThanGrace(file)) fs.rmSync(file, { force: true });
      continue;
    }
    if (ownerAlive(record.owner)) continue;
    if (commandLine(record.pid)?.includes(record.commandMatch)) {
      log(`[reap] ${record.kind} (pid ${record.pid}${record.port ? `, port ${record.port}` : ''}): its owner is gone`);
      await terminate(record.pid);
      stopped++;
    }
    fs.rmSync(file, { force: true });
  }
  return stopped;
}

async function terminate(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 5000 && processStartTime(pid) !== undefined; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (processStartTime(pid) !== undefined) signal('SIGKILL');
}

/** `.work/staging/<fn>-<hash>-<pid>` of processes that no longer run. */
function reapStaging(workDir: string | undefined): number {
  if (!workDir) return 0;
  const staging = path.join(workDir, 'staging');
  const gone = entriesOfGoneProcesses(staging, (name) => Number(/-(\d+)$/.exec(name)?.[1]));
  for (const name of gone) fs.rmSync(path.join(staging, name), { recursive: true, force: true });
  return gone.length;
}

function olderThanGrace(file: string): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > GRACE_MS;
  } catch {
    return false;
  }
}
