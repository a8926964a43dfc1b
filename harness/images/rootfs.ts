/**
 * Debian root filesystems as local images (`lambda-standin/rootfs:<suite>`), made with
 * debootstrap and `docker import` because no registry is reachable. Cached by image presence
 * only: everything here can be rebuilt from the Debian mirror.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HARNESS_LABEL, imageExists, importImage } from '../docker/engine';
import { ProgressLog, silentLog, timedStep } from '../build/progress';
import { runProcess } from '../process/run-process';
import { withFileLock } from './file-lock';

/** Packages every stand-in rootfs starts from; the image build adds pip and awslambdaric. */
export const ROOTFS_PACKAGES = ['python3', 'ca-certificates'] as const;

export function rootfsImageName(suite: string): string {
  return `lambda-standin/rootfs:${suite}`;
}

export interface EnsureRootfsOptions {
  /** @default silent */
  readonly log?: ProgressLog;
  /** Debian mirror for debootstrap. @default $DEBIAN_MIRROR, else debootstrap's default (deb.debian.org) */
  readonly mirror?: string;
}

/** Returns the rootfs image name, making it first when it is not in the local engine. */
export async function ensureRootfsImage(suite: string, options: EnsureRootfsOptions = {}): Promise<string> {
  const log = options.log ?? silentLog;
  const image = rootfsImageName(suite);
  if (await imageExists(image)) return image;
  return withFileLock(`rootfs-${suite}`, async () => {
    if (await imageExists(image)) return image; // another process made it while we waited
    await makeRootfsImage(suite, image, options.mirror ?? process.env.DEBIAN_MIRROR, log);
    return image;
  }, { onWait: (holder) => log(`[images] waiting for ${holder} to finish building ${image}`) });
}

async function makeRootfsImage(suite: string, image: string, mirror: string | undefined, log: ProgressLog): Promise<void> {
  assertDebootstrapUsable();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `standin-rootfs-${suite}-`));
  const rootDir = path.join(workDir, 'root');
  const tarPath = path.join(workDir, 'rootfs.tar');
  try {
    const args = ['--variant=minbase', `--include=${ROOTFS_PACKAGES.join(',')}`, suite, rootDir];
    if (mirror) args.push(mirror);
    await timedStep(log, '[images]', `debootstrap ${suite}`, () => run('debootstrap', args, log));
    await timedStep(log, '[images]', `docker import ${image}`, async () => {
      await run('tar', ['-C', rootDir, '-cf', tarPath, '.'], log);
      await importImage(tarPath, image, {
        message: `Debian ${suite} minbase (${ROOTFS_PACKAGES.join(', ')}) for the Lambda stand-in`,
        changes: [`LABEL ${HARNESS_LABEL}=1`],
      });
    });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function assertDebootstrapUsable(): void {
  const found = (process.env.PATH ?? '')
    .split(path.delimiter)
    .concat(['/usr/sbin', '/sbin'])
    .some((dir) => fs.existsSync(path.join(dir, 'debootstrap')));
  if (!found) {
    throw new Error(
      [
        'Cannot build the Lambda stand-in image: `debootstrap` is not installed.',
        '  The official image (public.ecr.aws/lambda/python) could not be found or pulled, so the harness',
        '  builds a Debian-based stand-in, which needs debootstrap to make its root filesystem.',
        '  Fix: sudo apt-get install -y debootstrap   (or make the official image available: docker pull / docker load)',
      ].join('\n'),
    );
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      [
        'Cannot build the Lambda stand-in image: debootstrap must run as root, and this process is not root.',
        '  Fix: run `sudo npm run images` once (the images are cached in the Docker engine afterwards),',
        '  or make the official image available (docker pull public.ecr.aws/lambda/python:<version>).',
      ].join('\n'),
    );
  }
}

/** Runs a host command, streaming its output as progress lines; rejects with its last lines on failure. */
async function run(command: string, args: readonly string[], log: ProgressLog): Promise<void> {
  await runProcess(command, args, {
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
    collect: false,
    tailLines: 15,
    onLine: (line) => {
      // debootstrap prints hundreds of "I: Retrieving ..." lines; keep the console readable.
      if (/\bI: (Retrieving|Validating|Extracting|Unpacking|Configuring|Checking|Found|Resolving)/.test(line)) return;
      log(`[images] ${command}: ${line}`);
    },
    hint: command === 'debootstrap'
      ? 'Likely cause: the Debian mirror is unreachable. Check network access to deb.debian.org, or set DEBIAN_MIRROR.'
      : undefined,
  });
}
