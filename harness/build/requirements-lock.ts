/**
 * `requirements.lock`: a function's requirements.txt resolved for its TARGET runtime (Python
 * version, Amazon Linux glibc, architecture) with every distribution's sha256, in pip's `--hash`
 * format. `npm run lock` writes it (uv, from PyPI); builds install it with `--require-hashes`, so
 * a file PyPI serves differently tomorrow cannot enter an artifact. The lock's header records
 * which requirements.txt and which target it was made from: a stale lock stops the build.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FunctionSpec } from '../../model/function-spec';
import { Architecture, PythonRuntime, runtimeFacts } from '../../model/runtimes';
import { ConfigurationError } from '../../model/error-codes';

export const REQUIREMENTS_FILE = 'requirements.txt';
export const LOCK_FILE = 'requirements.lock';

/** What a lock is made for: uv's `--python-version` and `--python-platform`. */
export interface LockTarget {
  /** `3.13` */
  readonly pythonVersion: string;
  /** `x86_64-manylinux_2_34`: the runtime's glibc caps the wheels, as the build image does. */
  readonly pythonPlatform: string;
}

export function lockTarget(runtime: PythonRuntime, architecture: Architecture): LockTarget {
  const facts = runtimeFacts(runtime);
  const cpu = architecture === 'arm64' ? 'aarch64' : 'x86_64';
  return { pythonVersion: facts.pythonVersion, pythonPlatform: `${cpu}-manylinux_${facts.glibc.replace('.', '_')}` };
}

export function sha256Text(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

const SOURCE_LINE = /^# locked from requirements\.txt sha256=([0-9a-f]{64}) for python (\S+) (\S+)$/m;

/** The header line a lock starts with: the exact requirements.txt and target it resolves. */
export function lockHeader(requirementsText: string, target: LockTarget): string {
  return `# locked from requirements.txt sha256=${sha256Text(requirementsText)} for python ${target.pythonVersion} ${target.pythonPlatform}`;
}

export type LockState =
  | { readonly state: 'no-requirements' }
  | { readonly state: 'missing' }
  | { readonly state: 'fresh'; readonly lockPath: string }
  | { readonly state: 'stale'; readonly lockPath: string; readonly reason: string };

/** Pure: compares a lock's header with the requirements.txt and target it should match. */
export function judgeLock(requirementsText: string, lockText: string, target: LockTarget): { fresh: true } | { fresh: false; reason: string } {
  const header = SOURCE_LINE.exec(lockText);
  if (!header) return { fresh: false, reason: `it has no '# locked from requirements.txt sha256=...' header (not written by \`npm run lock\`)` };
  const [, recorded, pythonVersion, pythonPlatform] = header;
  if (recorded !== sha256Text(requirementsText)) return { fresh: false, reason: 'requirements.txt changed after it was locked' };
  if (pythonVersion !== target.pythonVersion || pythonPlatform !== target.pythonPlatform) {
    return { fresh: false, reason: `it was resolved for python ${pythonVersion} ${pythonPlatform}, the function needs python ${target.pythonVersion} ${target.pythonPlatform}` };
  }
  if (!/--hash=sha256:[0-9a-f]{64}/.test(lockText)) return { fresh: false, reason: 'it carries no --hash lines' };
  return { fresh: true };
}

export function readLockState(sourceDir: string, target: LockTarget): LockState {
  const requirementsPath = path.join(sourceDir, REQUIREMENTS_FILE);
  if (!fs.existsSync(requirementsPath)) return { state: 'no-requirements' };
  const lockPath = path.join(sourceDir, LOCK_FILE);
  if (!fs.existsSync(lockPath)) return { state: 'missing' };
  const verdict = judgeLock(fs.readFileSync(requirementsPath, 'utf8'), fs.readFileSync(lockPath, 'utf8'), target);
  return verdict.fresh ? { state: 'fresh', lockPath } : { state: 'stale', lockPath, reason: verdict.reason };
}

export interface LockCheckOptions {
  readonly functionName: string;
  readonly target: LockTarget;
  /** Catalog functions must have a lock; ad-hoc `--dir` functions may install requirements.txt as is. */
  readonly required: boolean;
}

/**
 * The file the build installs: the fresh lock (installed with --require-hashes), requirements.txt
 * when an ad-hoc function has no lock, or nothing. Throws, naming `npm run lock`, on a stale lock
 * or a catalog function without one.
 */
export function requirementsToInstall(sourceDir: string, options: LockCheckOptions): { file: string; hashed: boolean } | undefined {
  const lock = readLockState(sourceDir, options.target);
  const relock = `Run \`npm run lock -- ${options.functionName}\` and commit ${LOCK_FILE}.`;
  switch (lock.state) {
    case 'no-requirements':
      return undefined;
    case 'fresh':
      return { file: LOCK_FILE, hashed: true };
    case 'stale':
      throw new ConfigurationError(`${options.functionName}: ${path.join(sourceDir, LOCK_FILE)} is stale: ${lock.reason}. ${relock}`);
    case 'missing':
      if (options.required) {
        throw new ConfigurationError(
          `${options.functionName}: ${path.join(sourceDir, REQUIREMENTS_FILE)} has no ${LOCK_FILE} beside it; deployable functions install hash-locked requirements only. ${relock}`,
        );
      }
      return { file: REQUIREMENTS_FILE, hashed: false };
  }
}

/**
 * Whether a function installs hash-locked requirements: every ZIP with a requirements.txt, and an
 * image whose Dockerfile installs `requirements.lock`. (The analysis image does not: its torch
 * comes from a local wheel or PyTorch's CPU index, whose files and hashes are not PyPI's; README
 * "Supply chain".)
 */
export function hashLockedFunction(spec: FunctionSpec, sourceDir: string): boolean {
  if (!fs.existsSync(path.join(sourceDir, REQUIREMENTS_FILE))) return false;
  if (spec.packaging === 'zip') return true;
  const dockerfile = path.join(sourceDir, spec.image?.dockerfile ?? 'Dockerfile');
  return fs.existsSync(dockerfile) && fs.readFileSync(dockerfile, 'utf8').includes(LOCK_FILE);
}
