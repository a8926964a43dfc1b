import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OWNER_LABEL, entriesOfGoneProcesses, ownerAlive, ownerId, ownerLabels, processAlive } from '../../../harness/docker/owner';
import { runProcess } from '../../../harness/process/run-process';

describe('owner labels', () => {
  test('name this process by pid and start time, in one place', () => {
    expect(ownerId()).toMatch(new RegExp(`^${process.pid}-\\d+$`));
    expect(ownerLabels()).toEqual({ 'sentiment-harness': '1', [OWNER_LABEL]: ownerId() });
  });

  test('an owner is alive while its process runs, dead once it exited or when the pid was reused', async () => {
    expect(ownerAlive(ownerId())).toBe(true);
    const child = await runProcess(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout);
    expect(ownerAlive(`${deadPid}-1`)).toBe(false);
    // Same pid, different start time: a reused pid is not the owner.
    expect(ownerAlive(`${process.pid}-1`)).toBe(false);
    // Not an owner id of ours: never judged dead.
    expect(ownerAlive('something-else')).toBe(true);
  });

  test('entries named by a gone process are listed for reaping; ours, live ones and others are not', async () => {
    const deadPid = Number((await runProcess(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])).stdout);
    expect(processAlive(deadPid)).toBe(false);
    expect(processAlive(process.pid)).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gone-processes-'));
    try {
      for (const name of [`fn-abc-${deadPid}`, `fn-abc-${process.pid}`, `fn-abc-${process.ppid}`, 'README']) fs.mkdirSync(path.join(dir, name));
      expect(entriesOfGoneProcesses(dir, (name) => Number(/-(\d+)$/.exec(name)?.[1]))).toEqual([`fn-abc-${deadPid}`]);
      expect(entriesOfGoneProcesses(path.join(dir, 'missing'), () => deadPid)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
