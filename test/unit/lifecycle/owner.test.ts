import { OWNER_LABEL, ownerAlive, ownerId, ownerLabels } from '../../../harness/lifecycle/owner';
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
});
