/**
 * The one entry point: builds a function's artifact exactly as it will be deployed, dispatching
 * on its packaging. Works for catalog entries and for ad-hoc specs (`--dir`): a relative
 * sourceDir is taken from the repository root, an absolute one as is.
 */
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { FunctionSpec } from '../../model/function-spec';
import { Artifact, RuntimeBase } from './artifact';
import { buildImageArtifact } from './image-builder';
import { ProgressLog, silentLog } from './progress';
import { RequirementsMode } from './requirements';
import { buildZipArtifact } from './zip-builder';
import { ConfigurationError } from '../../model/error-codes';

export interface BuildArtifactOptions {
  /** The runtime base from resolveRuntimeBase(); must match the spec's runtime and architecture. */
  readonly base: RuntimeBase;
  /** Directory for `artifacts/` and the pip cache. @default `<repo>/.work` */
  readonly workDir?: string;
  /** @default silent */
  readonly log?: ProgressLog;
  /** Rebuild even on a cache hit. @default false */
  readonly force?: boolean;
  /** ZIP only: install / omit (seed 000) / cross-install (seed 001) requirements.txt. @default 'install' */
  readonly requirements?: RequirementsMode;
}

export const DEFAULT_WORK_DIR = path.join(REPO_ROOT, '.work');

export function resolveSourceDir(spec: FunctionSpec): string {
  return path.isAbsolute(spec.sourceDir) ? spec.sourceDir : path.resolve(REPO_ROOT, spec.sourceDir);
}

export async function buildArtifact(spec: FunctionSpec, options: BuildArtifactOptions): Promise<Artifact> {
  const { base } = options;
  if (base.runtime !== spec.runtime || base.architecture !== spec.architecture) {
    throw new Error(
      `Function '${spec.name}' is ${spec.runtime}/${spec.architecture}, but the base given is ${base.runtime}/${base.architecture} (${base.description}). ` +
        `Resolve the base with resolveRuntimeBase('${spec.runtime}', '${spec.architecture}', ...).`,
    );
  }
  if (options.requirements !== undefined && options.requirements !== 'install' && spec.packaging !== 'zip') {
    throw new ConfigurationError(`The requirements option applies to ZIP functions only; '${spec.name}' is packaged as an image (its Dockerfile installs its dependencies).`);
  }
  const sourceDir = resolveSourceDir(spec);
  const log = options.log ?? silentLog;
  if (spec.packaging === 'zip') {
    return buildZipArtifact(spec, {
      base,
      sourceDir,
      workDir: path.resolve(options.workDir ?? DEFAULT_WORK_DIR),
      requirements: options.requirements,
      force: options.force,
      log,
      // Catalog functions (relative sourceDir) are deployable: hash-locked requirements only.
      requireLock: !path.isAbsolute(spec.sourceDir),
    });
  }
  return buildImageArtifact(spec, { base, sourceDir, workDir: path.resolve(options.workDir ?? DEFAULT_WORK_DIR), force: options.force, log });
}
