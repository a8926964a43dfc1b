/**
 * A process that takes one /tmp (as an emulator's first cold start does) and waits until the
 * spare for the next cold start is mounted too. Then, with `exit`, it releases its /tmp and exits
 * (the spare is left to the exit hook); otherwise it waits to be killed. Run with `--import tsx`;
 * HARNESS_EPHEMERAL_DIR says where.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ephemeralStorageRoot, takeEphemeralStorage } from '../../../harness/emulator/ephemeral-storage';

const mine = (): string[] => fs.readdirSync(ephemeralStorageRoot()).filter((name) => name.startsWith(`env-${process.pid}-`));
// The mount point turns 1777 once its filesystem is mounted and handed over (the last step of provisioning).
const prepared = (name: string): boolean => (fs.statSync(path.join(ephemeralStorageRoot(), name, 'tmp')).mode & 0o1000) !== 0;

async function main(): Promise<void> {
  const storage = await takeEphemeralStorage(512);
  while (mine().length < 2 || !mine().every(prepared)) await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(`ready ${JSON.stringify({ sizeLimited: storage.sizeLimited, entries: mine() })}`);
  if (process.argv[2] === 'exit') {
    await storage.release();
    process.exit(0);
  }
  setInterval(() => undefined, 60_000);
}

void main();
