/**
 * A cross-process lock (an exclusive `mkdir`), so two harness processes on one machine (a test
 * run and `npm run emulate`, say) do not debootstrap or build the same stand-in at once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processAlive } from '../docker/owner';

export interface FileLockOptions {
  /** A lock older than this is taken to belong to a crashed process. @default 30 minutes */
  readonly staleAfterMs?: number;
  /** How often to look again while another process holds the lock. @default 1000 */
  readonly pollMs?: number;
  /** Called once when we start waiting on another process. @default none */
  readonly onWait?: (holder: string) => void;
}

export async function withFileLock<T>(name: string, body: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockDir = path.join(os.tmpdir(), `sentiment-harness-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
  const staleAfterMs = options.staleAfterMs ?? 30 * 60 * 1000;
  const pollMs = options.pollMs ?? 1000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'owner'), `pid ${process.pid} since ${new Date().toISOString()}\n`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(lockDir);
      if (isStale(lockDir, holder, staleAfterMs)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        options.onWait?.(holder);
        announced = true;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
  try {
    return await body();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function readOwner(lockDir: string): string {
  try {
    return fs.readFileSync(path.join(lockDir, 'owner'), 'utf8').trim();
  } catch {
    return 'unknown process';
  }
}

function isStale(lockDir: string, holder: string, staleAfterMs: number): boolean {
  const pid = Number(/^pid (\d+)/.exec(holder)?.[1]);
  if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return true; // the holder is gone
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs > staleAfterMs;
  } catch {
    return true;
  }
}
