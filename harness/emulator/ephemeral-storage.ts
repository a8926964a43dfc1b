/**
 * An execution environment's `/tmp`: Lambda's ephemeral storage, 512 MB to 10,240 MB, separate
 * from the memory limit and kept across warm invokes of the same environment
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html).
 *
 * A tmpfs would be charged to the container's memory cgroup (a 256 MB function could not write
 * 300 MB to its 512 MB /tmp), so each environment gets a disk-backed ext4 filesystem of exactly
 * its size: a sparse image file, copied from a formatted template and loop-mounted. Where loop
 * mounts are not allowed (no root), a plain host directory stands in, without the size limit,
 * and the caller is told so once.
 *
 * One spare filesystem per size is kept ready, so a cold start does not wait for cp + mount.
 * Every directory carries the pid that made it; the next process reaps what a killed one left.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { entriesOfGoneProcesses } from '../docker/owner';
import { runProcess, runProcessInExitHook } from '../process/run-process';

export interface EphemeralStorage {
  /** Host directory mounted at the container's /tmp. */
  readonly hostPath: string;
  readonly sizeMb: number;
  /** False when only a plain directory (no size limit) could be had. */
  readonly sizeLimited: boolean;
  /** Unmounts and removes it; safe to call twice. */
  release(): Promise<void>;
}

/** Where every environment's /tmp lives on the host. @default `$TMPDIR/sentiment-harness-tmp` */
export function ephemeralStorageRoot(): string {
  return process.env.HARNESS_EPHEMERAL_DIR ?? path.join(os.tmpdir(), 'sentiment-harness-tmp');
}

const spares = new Map<number, Promise<EphemeralStorage>>();
/** Directories of spares not handed out yet: removed synchronously when the process exits. */
const spareDirs = new Set<string>();
let exitHookInstalled = false;
const templates = new Map<number, Promise<string>>();
let reaped = false;
let warnedUnlimited = false;

/**
 * A ready /tmp of `sizeMb`: the spare when there is one (then a new spare is prepared in the
 * background). `onWarning` hears once per process that /tmp is not size-limited here.
 */
export async function takeEphemeralStorage(sizeMb: number, onWarning?: (message: string) => void): Promise<EphemeralStorage> {
  if (!reaped) {
    reaped = true;
    await reapEphemeralStorage();
  }
  const spare = spares.get(sizeMb);
  spares.delete(sizeMb);
  const storage = await (spare ?? provision(sizeMb)).catch(() => provision(sizeMb));
  spareDirs.delete(path.dirname(storage.hostPath));
  const next = provision(sizeMb);
  void next.then((prepared) => spareDirs.add(path.dirname(prepared.hostPath)), () => undefined);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const dir of spareDirs) {
        runProcessInExitHook('umount', [path.join(dir, 'tmp')]);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  next.catch(() => undefined);
  spares.set(sizeMb, next);
  if (!storage.sizeLimited && !warnedUnlimited) {
    warnedUnlimited = true;
    onWarning?.(`[emulator] /tmp of execution environments is a plain directory without its ${sizeMb} MB limit: loop mounts need root. Writes beyond the limit will not fail here as they would in Lambda.`);
  }
  return storage;
}

/** Releases the spares (call when no emulator of this process will start environments any more). */
export async function releaseSpareEphemeralStorage(): Promise<void> {
  const pending = [...spares.values()];
  spares.clear();
  await Promise.all(pending.map((spare) => spare.then((storage) => {
    spareDirs.delete(path.dirname(storage.hostPath));
    return storage.release();
  }, () => undefined)));
}

/** Unmounts and removes the /tmp directories of processes that no longer run. */
export async function reapEphemeralStorage(root = ephemeralStorageRoot()): Promise<number> {
  const gone = entriesOfGoneProcesses(root, (name) => Number(/^env-(\d+)-/.exec(name)?.[1]));
  for (const entry of gone) await removeStorageDir(path.join(root, entry));
  return gone.length;
}

async function provision(sizeMb: number): Promise<EphemeralStorage> {
  const root = ephemeralStorageRoot();
  const dir = path.join(root, `env-${process.pid}-${randomBytes(4).toString('hex')}`);
  const mountPoint = path.join(dir, 'tmp');
  fs.mkdirSync(mountPoint, { recursive: true });
  let sizeLimited = false;
  try {
    const template = await templateImage(root, sizeMb);
    const image = path.join(dir, 'fs.img');
    await runProcess('cp', ['--sparse=always', template, image]);
    await runProcess('mount', ['-o', 'loop,nosuid,nodev', image, mountPoint]);
    sizeLimited = true;
  } catch {
    // Not root, or no loop devices: a plain directory on disk, still apart from memory.
  }
  fs.chmodSync(mountPoint, 0o1777); // the runtime's user is not root
  let released: Promise<void> | undefined;
  return {
    hostPath: mountPoint,
    sizeMb,
    sizeLimited,
    release: () => (released ??= removeStorageDir(dir)),
  };
}

/** A formatted, empty ext4 image of the size, made once per size and copied (sparse) per environment. */
function templateImage(root: string, sizeMb: number): Promise<string> {
  let template = templates.get(sizeMb);
  if (!template) {
    template = (async () => {
      const file = path.join(root, `template-${sizeMb}mb.img`);
      if (fs.existsSync(file)) return file;
      const partial = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`;
      // ext4 keeps ~4% for its own metadata: size the image so that `sizeMb` is free for files.
      const imageMb = Math.ceil(sizeMb * 1.04) + 4;
      fs.writeFileSync(partial, '');
      fs.truncateSync(partial, imageMb * 1024 * 1024);
      await runProcess('mkfs.ext4', ['-q', '-F', '-m', '0', '-O', '^has_journal', '-E', 'lazy_itable_init=1', partial]);
      fs.renameSync(partial, file); // atomic: another process sees the whole template or none
      return file;
    })();
    templates.set(sizeMb, template);
    template.catch(() => templates.delete(sizeMb));
  }
  return template;
}

async function removeStorageDir(dir: string): Promise<void> {
  const mountPoint = path.join(dir, 'tmp');
  // The loop device is detached with the unmount (mount -o loop sets autoclear).
  // Not stopped on shutdown: unmounting is part of the shutdown's own cleanup.
  const unmount = (args: string[]): Promise<boolean> => runProcess('umount', args, { stopOnShutdown: false }).then(() => true, () => false);
  const unmounted = (await unmount([mountPoint])) || (await unmount(['-l', mountPoint]));
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    // Still mounted (busy): leave it for the next start's reaping rather than fail a stop.
    if (unmounted) throw error;
  }
}
