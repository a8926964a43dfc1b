/**
 * A ZIP function's dependency set: what `pip install --target` of its requirements (the
 * hash-locked requirements.lock for catalog functions) puts in the archive, installed INSIDE the
 * build image (ADR-005) and stripped of bytecode. It depends on the requirement file's bytes, the
 * requirements mode, runtime, architecture, the base and build images' ids and the builder
 * version, never on the sources: it is installed once per key and kept under
 * `.work/cache/dependencies/<fn>/<key>/`, so a source-only edit re-zips its sources over it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FunctionSpec } from '../../model/function-spec';
import { lastLines } from '../process/output-tail';
import { ContainerExitError, HarnessContainer, runToCompletion } from '../docker/harness-container';
import { imageId } from '../docker/engine';
import { isShuttingDown, onShutdown, ShuttingDownError } from '../process/shutdown';
import { RuntimeBase } from './artifact';
import { keepArtifactsSetting, diskUsage } from './artifact-retention';
import { BUILDER_VERSION } from './content-hash';
import { CACHE_DIR_NAME, cacheKey } from './keyed-cache';
import { ProgressLog, lineSplitter, timedStep, withoutBuilderBanner } from './progress';
import { RequirementsMode, describeRequirementsMode } from './requirements';
import { sha256Text } from './requirements-lock';
import { EnvironmentUnavailableError, isNetworkFailure } from '../../model/error-codes';

/** The requirement file a build installs (from requirementsToInstall). */
export interface RequirementsInstall {
  /** `requirements.lock` or `requirements.txt`, in the source directory. */
  readonly file: string;
  /** Installed with --require-hashes. */
  readonly hashed: boolean;
}

/** Everything a dependency set depends on; its key is the sha256 of these. */
export interface DependencySetKeyInputs {
  readonly requirementsFile: string;
  /** sha256 hex of the requirement file's bytes. */
  readonly requirementsSha256: string;
  readonly hashed: boolean;
  readonly mode: RequirementsMode;
  readonly runtime: string;
  readonly architecture: string;
  /** Id of the run image (as in the content hash). */
  readonly baseImageId: string;
  /** Id of the image pip runs in. */
  readonly buildImageId: string;
  readonly builderVersion: string;
}

export function dependencySetKey(inputs: DependencySetKeyInputs): string {
  return cacheKey(inputs);
}

export interface DependencySet {
  readonly key: string;
  /** The installed tree (read only: shared by every build with this key). */
  readonly dir: string;
  readonly cacheHit: boolean;
}

export interface DependencySetProps {
  readonly spec: FunctionSpec;
  readonly base: RuntimeBase;
  readonly sourceDir: string;
  readonly workDir: string;
  readonly install: RequirementsInstall;
  readonly mode: RequirementsMode;
  /** Install again even when the set exists (verify --force). @default false */
  readonly force?: boolean;
  readonly log: ProgressLog;
}

export function dependenciesDir(workDir: string, functionName: string): string {
  return path.join(workDir, CACHE_DIR_NAME, 'dependencies', functionName);
}

/** The dependency set for these requirements: the cached one, or installed now and cached. */
export async function ensureDependencySet(props: DependencySetProps): Promise<DependencySet> {
  const { spec, base, install, log } = props;
  const prefix = `[build ${spec.name}]`;
  const inputs: DependencySetKeyInputs = {
    requirementsFile: install.file,
    requirementsSha256: sha256Text(fs.readFileSync(path.join(props.sourceDir, install.file))),
    hashed: install.hashed,
    mode: props.mode,
    runtime: spec.runtime,
    architecture: spec.architecture,
    baseImageId: base.imageId,
    buildImageId: await imageId(base.buildImage),
    builderVersion: BUILDER_VERSION,
  };
  const key = dependencySetKey(inputs);
  const functionDir = dependenciesDir(props.workDir, spec.name);
  const dir = path.join(functionDir, key);
  if (!props.force && fs.existsSync(dir)) {
    touch(dir);
    log(`${prefix} dependencies: cache hit ${key.slice(0, 12)} (${install.file}, ${describeRequirementsMode(props.mode)})`);
    return { key, dir, cacheHit: true };
  }

  if (isShuttingDown()) throw new ShuttingDownError(`a build of ${spec.name}`);
  // Installed beside the cache and renamed into it, so a half-installed set is never used.
  const stagingDir = path.join(props.workDir, 'staging', `${spec.name}-deps-${key.slice(0, 12)}-${process.pid}`);
  fs.rmSync(stagingDir, { recursive: true, force: true });
  fs.mkdirSync(stagingDir, { recursive: true });
  const unregister = onShutdown(() => fs.rmSync(stagingDir, { recursive: true, force: true }));
  try {
    const what = install.hashed ? `${install.file}, --require-hashes` : install.file;
    await timedStep(log, prefix, `pip install (${describeRequirementsMode(props.mode)}, ${what}) in ${base.buildImage}`, () =>
      installRequirements(props, stagingDir, path.join(props.workDir, 'pip-cache')),
    );
    stripBytecode(stagingDir);
    fs.writeFileSync(`${stagingDir}.key.json`, JSON.stringify(inputs, null, 2));
    fs.mkdirSync(functionDir, { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(stagingDir, dir);
    fs.renameSync(`${stagingDir}.key.json`, `${dir}.key.json`);
    log(`${prefix} dependencies: stored as ${key.slice(0, 12)} (${path.relative(process.cwd(), dir) || dir})`);
    pruneDependencySets(functionDir, [key]);
    return { key, dir, cacheHit: false };
  } finally {
    unregister();
    fs.rmSync(stagingDir, { recursive: true, force: true });
    fs.rmSync(`${stagingDir}.key.json`, { force: true });
  }
}

function touch(target: string): void {
  const now = new Date();
  fs.utimesSync(target, now, now);
}

/**
 * Keeps the newest HARNESS_KEEP_ARTIFACTS dependency sets of a function (by last use), as
 * artifact retention does for its artifacts; `protect` names keys never removed.
 */
export function pruneDependencySets(functionDir: string, protect: readonly string[] = [], keep = keepArtifactsSetting()): { removed: string[]; bytesFreed: number } {
  let names: string[];
  try {
    names = fs.readdirSync(functionDir).filter((name) => !name.endsWith('.json') && fs.statSync(path.join(functionDir, name)).isDirectory());
  } catch {
    return { removed: [], bytesFreed: 0 };
  }
  const newestFirst = names
    .map((name) => ({ name, mtime: fs.statSync(path.join(functionDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
    .map((entry) => entry.name);
  const removed: string[] = [];
  let bytesFreed = 0;
  for (const name of newestFirst.slice(keep)) {
    if (protect.includes(name)) continue;
    const target = path.join(functionDir, name);
    bytesFreed += diskUsage(target);
    fs.rmSync(target, { recursive: true, force: true });
    fs.rmSync(`${target}.key.json`, { force: true });
    removed.push(name);
  }
  return { removed, bytesFreed };
}

/** Runs pip in the build image as root, the requirement file mounted read-only, then hands the files back. */
async function installRequirements(props: DependencySetProps, targetDir: string, pipCacheDir: string): Promise<void> {
  const { spec, base, install, mode, log } = props;
  fs.mkdirSync(pipCacheDir, { recursive: true });
  const pipArgs = ['install', '--no-compile', '--disable-pip-version-check', '--target', '/asset', '-r', `/requirements/${install.file}`];
  if (install.hashed) pipArgs.push('--require-hashes');
  if (typeof mode === 'object') {
    pipArgs.push('--platform', mode.platform, '--python-version', mode.pythonVersion, '--implementation', 'cp', '--only-binary=:all:');
  }
  // Files created by root in the container belong to root on the host: give them back to the
  // user running the harness, with normalised permissions (the zip fixes modes again anyway).
  const owner = typeof process.getuid === 'function' ? `${process.getuid()}:${process.getgid?.() ?? process.getuid()}` : '0:0';
  const script = [
    'set -e',
    `python3 -m pip ${pipArgs.map(shellQuote).join(' ')}`,
    `chown -R ${owner} /asset /pip-cache`,
    'chmod -R u+rwX,go+rX,go-w /asset',
  ].join('\n');
  const progress = lineSplitter(log, `[build ${spec.name}]   `);
  try {
    const container = new HarnessContainer(base.buildImage, `zip-build-${spec.name}`)
      .withNetworkMode('host')
      .withUser('0:0')
      .withEntrypoint(['/bin/sh'])
      .withEnvironment({ PIP_CACHE_DIR: '/pip-cache', PYTHONPATH: '' })
      .withBindMounts([
        { source: targetDir, target: '/asset', mode: 'rw' },
        { source: path.join(props.sourceDir, install.file), target: `/requirements/${install.file}`, mode: 'ro' },
        { source: pipCacheDir, target: '/pip-cache', mode: 'rw' },
      ])
      .withCommand(['-c', script]);
    await runToCompletion(container, { onOutput: progress });
  } catch (error) {
    if (error instanceof ContainerExitError) {
      // pip's network complaints come before the tail shown: the whole output decides the code.
      const unreachable = isNetworkFailure(`${error.stderr}\n${error.stdout}`);
      throw new (unreachable ? EnvironmentUnavailableError : Error)(
        [
          `Installing ${spec.name}'s ${install.file} in ${base.buildImage} failed (${describeRequirementsMode(mode)}).`,
          `  pip said: ${lastLines(withoutBuilderBanner(error.stderr || error.stdout), 8).join('\n    ')}`,
          `  Likely cause: a requirement has no wheel for ${spec.runtime} on ${base.description} (or the index is unreachable).`,
          '  Fix: pin a version that publishes a compatible wheel, or check network access to PyPI.',
        ].join('\n'),
      );
    }
    throw error;
  } finally {
    progress(undefined);
  }
}

/** Removes __pycache__ directories and .pyc files: bytecode differs by build and is rebuilt by Lambda. */
export function stripBytecode(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = fs.lstatSync(full);
    if (stat.isDirectory()) {
      if (name === '__pycache__') fs.rmSync(full, { recursive: true, force: true });
      else stripBytecode(full);
    } else if (name.endsWith('.pyc') || name.endsWith('.pyo')) {
      fs.rmSync(full, { force: true });
    }
  }
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
