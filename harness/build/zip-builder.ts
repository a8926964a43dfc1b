/**
 * ZIP artifacts (ADR-005): sources + dependencies installed by pip INSIDE the build image for the
 * function's runtime, stripped of bytecode, zipped deterministically to
 * `<workDir>/artifacts/<fn>/<contentHash>.zip`, and extracted beside it to `<contentHash>/`
 * (the directory the emulator mounts read-only at /var/task). A zip for the hash = a cache hit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FunctionSpec } from '../../lambdas/function-spec';
import { ContainerExitError, HarnessContainer, runToCompletion } from '../docker/harness-container';
import { isShuttingDown, onShutdown, ShuttingDownError } from '../lifecycle/shutdown';
import { RuntimeBase, ZipArtifact } from './artifact';
import { pruneArtifacts, touchArtifact } from './artifact-retention';
import { computeContentHash } from './content-hash';
import { createDeterministicZip, extractZip, fileDigest } from './deterministic-zip';
import { ProgressLog, dockerOutputTail, lineSplitter, silentLog, timedStep } from './progress';
import { RequirementsMode, describeRequirementsMode, unpinnedRequirements, validateRequirementsMode } from './requirements';
import { REQUIREMENTS_FILE, lockTarget, requirementsToInstall } from './requirements-lock';
import { existingSbom, sbomPathFor, writeSbom } from './sbom';
import { listSourceFiles } from './source-files';

export interface ZipBuildOptions {
  readonly base: RuntimeBase;
  /** Absolute path of the function's source directory. */
  readonly sourceDir: string;
  /** Directory holding `artifacts/` and `pip-cache/`. */
  readonly workDir: string;
  /** @default 'install' */
  readonly requirements?: RequirementsMode;
  /** Rebuild even when the zip for this content hash exists. @default false */
  readonly force?: boolean;
  /** @default silent */
  readonly log?: ProgressLog;
  /** Refuse to build without a fresh requirements.lock (catalog functions). @default false */
  readonly requireLock?: boolean;
}

export async function buildZipArtifact(spec: FunctionSpec, options: ZipBuildOptions): Promise<ZipArtifact> {
  const log = options.log ?? silentLog;
  const requirements = validateRequirementsMode(options.requirements ?? 'install');
  const { base, sourceDir } = options;
  const prefix = `[build ${spec.name}]`;
  const contentHash = computeContentHash({
    sourceDir,
    packaging: 'zip',
    runtime: spec.runtime,
    architecture: spec.architecture,
    baseImageId: base.imageId,
    options: { requirements },
  });
  const artifactsDir = path.join(options.workDir, 'artifacts', spec.name);
  const zipPath = path.join(artifactsDir, `${contentHash}.zip`);
  const unpackedDir = path.join(artifactsDir, contentHash);
  const common = { kind: 'zip' as const, functionName: spec.name, contentHash, base, zipPath, unpackedDir };

  const requirementsFile = path.join(sourceDir, REQUIREMENTS_FILE);
  // A catalog function installs only its hash-locked requirements.lock; a stale lock stops here.
  const install = requirements === 'omit'
    ? undefined
    : requirementsToInstall(sourceDir, { functionName: spec.name, target: lockTarget(spec.runtime, spec.architecture), required: options.requireLock ?? false });
  if (install && !install.hashed) {
    const loose = unpinnedRequirements(fs.readFileSync(requirementsFile, 'utf8'));
    if (loose.length > 0) {
      log(`${prefix} warning: requirements.txt has unpinned lines (${loose.join(', ')}); a rebuild may pick newer releases and not be byte-identical. Pin them with ==.`);
    }
  }

  const sbomPath = sbomPathFor(artifactsDir, contentHash);
  const sbomOf = () => writeSbom([unpackedDir], sbomPath, { functionName: spec.name, contentHash, kind: 'zip' });
  if (!options.force && fs.existsSync(zipPath)) {
    if (!fs.existsSync(unpackedDir)) await extractFresh(zipPath, unpackedDir);
    log(`${prefix} cache hit ${contentHash.slice(0, 12)} (${path.relative(process.cwd(), zipPath) || zipPath})`);
    keepRecent(artifactsDir, contentHash, log, prefix);
    const sbom = existingSbom(sbomPath) ?? (await timedStep(log, prefix, 'SBOM (cyclonedx-py)', sbomOf));
    return { ...common, ...fileDigest(zipPath), cacheHit: true, buildMs: 0, sbom };
  }

  const started = Date.now();
  if (isShuttingDown()) throw new ShuttingDownError(`a build of ${spec.name}`);
  const stagingDir = path.join(options.workDir, 'staging', `${spec.name}-${contentHash.slice(0, 12)}-${process.pid}`);
  fs.rmSync(stagingDir, { recursive: true, force: true });
  fs.mkdirSync(stagingDir, { recursive: true });
  // Ctrl-C or SIGTERM mid-build: the finally below never runs, so the shutdown removes it.
  const unregister = onShutdown(() => fs.rmSync(stagingDir, { recursive: true, force: true }));
  try {
    for (const file of listSourceFiles(sourceDir)) {
      const destination = path.join(stagingDir, ...file.relativePath.split('/'));
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.copyFileSync(file.absolutePath, destination);
      fs.chmodSync(destination, file.executable ? 0o755 : 0o644);
    }
    if (requirements === 'omit') {
      log(`${prefix} requirements omitted on purpose (seed 000 reproduction): the ZIP holds the sources only`);
    } else if (install) {
      const what = install.hashed ? `${install.file}, --require-hashes` : install.file;
      await timedStep(log, prefix, `pip install (${describeRequirementsMode(requirements)}, ${what}) in ${base.buildImage}`, () =>
        installRequirements(spec, base, stagingDir, path.join(options.workDir, 'pip-cache'), requirements, install, log),
      );
    }
    stripBytecode(stagingDir);
    const zip = await timedStep(log, prefix, 'zip', () => createDeterministicZip(stagingDir, zipPath));
    await extractFresh(zipPath, unpackedDir);
    log(`${prefix} ${zip.entries} entries, ${(zip.bytes / 1024 / 1024).toFixed(1)} MiB, sha256 ${zip.sha256.slice(0, 12)}`);
    keepRecent(artifactsDir, contentHash, log, prefix);
    // From the extracted archive: exactly the distributions the deployed ZIP carries.
    const sbom = await timedStep(log, prefix, 'SBOM (cyclonedx-py)', sbomOf);
    log(`${prefix} SBOM ${sbom.components} components -> ${path.relative(process.cwd(), sbom.path) || sbom.path}`);
    return { ...common, sha256: zip.sha256, bytes: zip.bytes, cacheHit: false, buildMs: Date.now() - started, sbom };
  } finally {
    unregister();
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** Marks this artifact as the newest and drops the function's older ones beyond HARNESS_KEEP_ARTIFACTS. */
function keepRecent(artifactsDir: string, contentHash: string, log: ProgressLog, prefix: string): void {
  touchArtifact(path.join(artifactsDir, `${contentHash}.zip`));
  const pruned = pruneArtifacts({ functionDir: artifactsDir, protect: [contentHash] });
  if (pruned.removed.length > 0) {
    log(`${prefix} removed ${pruned.removed.length} older artifact(s), ${(pruned.bytesFreed / 1024 / 1024).toFixed(1)} MiB (keeping the newest HARNESS_KEEP_ARTIFACTS)`);
  }
}

/** Runs pip in the build image as root with the staging directory mounted, then hands the files back. */
async function installRequirements(
  spec: FunctionSpec,
  base: RuntimeBase,
  stagingDir: string,
  pipCacheDir: string,
  requirements: RequirementsMode,
  install: { readonly file: string; readonly hashed: boolean },
  log: ProgressLog,
): Promise<void> {
  fs.mkdirSync(pipCacheDir, { recursive: true });
  const pipArgs = ['install', '--no-compile', '--disable-pip-version-check', '--target', '/asset', '-r', `/asset/${install.file}`];
  if (install.hashed) pipArgs.push('--require-hashes');
  if (typeof requirements === 'object') {
    pipArgs.push('--platform', requirements.platform, '--python-version', requirements.pythonVersion, '--implementation', 'cp', '--only-binary=:all:');
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
        { source: stagingDir, target: '/asset', mode: 'rw' },
        { source: pipCacheDir, target: '/pip-cache', mode: 'rw' },
      ])
      .withCommand(['-c', script]);
    await runToCompletion(container, { onOutput: progress });
  } catch (error) {
    if (error instanceof ContainerExitError) {
      throw new Error(
        [
          `Installing ${spec.name}'s ${install.file} in ${base.buildImage} failed (${describeRequirementsMode(requirements)}).`,
          `  pip said: ${dockerOutputTail(error.stderr || error.stdout, 8).join('\n    ')}`,
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

async function extractFresh(zipPath: string, unpackedDir: string): Promise<void> {
  const temporary = `${unpackedDir}.${process.pid}.tmp`;
  fs.rmSync(temporary, { recursive: true, force: true });
  await extractZip(zipPath, temporary);
  fs.rmSync(unpackedDir, { recursive: true, force: true });
  fs.renameSync(temporary, unpackedDir);
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
