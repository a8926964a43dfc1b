/**
 * ZIP artifacts (ADR-005): sources + dependencies installed by pip INSIDE the build image for the
 * function's runtime, stripped of bytecode, zipped deterministically to
 * `<workDir>/artifacts/<fn>/<contentHash>.zip`, and extracted beside it to `<contentHash>/`
 * (the directory the emulator mounts read-only at /var/task). A zip for the hash = a cache hit.
 * The dependencies are a cached dependency set (dependency-set.ts): a source-only edit zips the
 * sources over it without pip, into the same bytes a forced full rebuild produces.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FunctionSpec } from '../../model/function-spec';
import { isShuttingDown, ShuttingDownError } from '../process/shutdown';
import { RuntimeBase, ZipArtifact } from './artifact';
import { pruneArtifacts, touchArtifact } from './artifact-retention';
import { computeContentHash } from './content-hash';
import { extractZip, fileDigest, planSourcesOverDependencies, writeTreeFromPlan, writeZipFromPlan } from './deterministic-zip';
import { ensureDependencySet } from './dependency-set';
import { ProgressLog, silentLog, timedStep } from './progress';
import { RequirementsMode, unpinnedRequirements, validateRequirementsMode } from './requirements';
import { REQUIREMENTS_FILE, lockTarget, requirementsToInstall } from './requirements-lock';
import { existingSbom, sbomPathFor, writeSbom } from './sbom';
import { listSourceFiles } from './source-files';
import { formatBytes } from '../../model/byte-size';

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
  if (requirements === 'omit') log(`${prefix} requirements omitted on purpose (seed 000 reproduction): the ZIP holds the sources only`);
  // The dependency set depends on the requirements, never on the sources: a source-only edit reuses it.
  const dependencies = requirements !== 'omit' && install
    ? await ensureDependencySet({ spec, base, sourceDir, workDir: options.workDir, install, mode: requirements, force: options.force, log })
    : undefined;
  const plan = planSourcesOverDependencies(listSourceFiles(sourceDir), dependencies?.dir);
  // The /var/task tree comes from the same plan as the archive; its SBOM is written while the
  // archive compresses (from that tree: exactly the distributions the deployed ZIP carries).
  await replaceDir(unpackedDir, async (temporary) => writeTreeFromPlan(plan, temporary));
  const [zip, sbom] = await Promise.all([
    timedStep(log, prefix, dependencies?.cacheHit ? 'zip (sources over the cached dependencies)' : 'zip', () => writeZipFromPlan(plan, zipPath)),
    timedStep(log, prefix, 'SBOM (cyclonedx-py)', sbomOf),
  ]);
  log(`${prefix} ${zip.entries} entries, ${formatBytes(zip.bytes)}, sha256 ${zip.sha256.slice(0, 12)}`);
  keepRecent(artifactsDir, contentHash, log, prefix);
  log(`${prefix} SBOM ${sbom.components} components -> ${path.relative(process.cwd(), sbom.path) || sbom.path}`);
  return { ...common, sha256: zip.sha256, bytes: zip.bytes, cacheHit: false, buildMs: Date.now() - started, sbom };
}

/** Marks this artifact as the newest and drops the function's older ones beyond HARNESS_KEEP_ARTIFACTS. */
function keepRecent(artifactsDir: string, contentHash: string, log: ProgressLog, prefix: string): void {
  touchArtifact(path.join(artifactsDir, `${contentHash}.zip`));
  const pruned = pruneArtifacts({ functionDir: artifactsDir, protect: [contentHash] });
  if (pruned.removed.length > 0) {
    log(`${prefix} removed ${pruned.removed.length} older artifact(s), ${formatBytes(pruned.bytesFreed)} (keeping the newest HARNESS_KEEP_ARTIFACTS)`);
  }
}

async function extractFresh(zipPath: string, unpackedDir: string): Promise<void> {
  await replaceDir(unpackedDir, (temporary) => extractZip(zipPath, temporary));
}

/** Writes a directory beside `target` and swaps it in, so a half-written tree is never mounted. */
async function replaceDir(target: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = `${target}.${process.pid}.tmp`;
  fs.rmSync(temporary, { recursive: true, force: true });
  await write(temporary);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(temporary, target);
}
