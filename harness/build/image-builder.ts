/**
 * IMAGE artifacts: `docker build` (legacy builder) of the function's Dockerfile on the resolved
 * base, tagged `sentiment/<fn>:<hash12>` and labelled with the content hash. The tag existing =
 * a cache hit. Build args the harness passes:
 *   BASE_IMAGE     the run image (official or stand-in)
 *   BUILDER_IMAGE  an image with pip for a builder stage: the same run image. It is the base's
 *                  own glibc that matters for an image (unlike ZIPs), so the capped -build
 *                  variant is not used here; the stand-in runs as sbx_user1051, so a builder
 *                  stage needs `USER root` (a no-op on the official image).
 *   + the catalog's image.buildArgs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FunctionSpec } from '../../model/function-spec';
import { lastLines } from '../process/output-tail';
import { DockerEngineError, HARNESS_LABEL, imageExists, inspectImage } from '../docker/engine';
import { buildImage, ociBaseLabels } from '../docker/image-build';
import { ImageArtifact, RuntimeBase } from './artifact';
import { computeContentHash } from './content-hash';
import { stageLocalWheels } from './local-wheels';
import { formatBytes } from '../../model/byte-size';
import { SbomReference, copyImageDistributions, existingSbom, sbomPathFor, writeSbom } from './sbom';
import { hashLockedFunction, lockTarget, requirementsToInstall } from './requirements-lock';
import { ProgressLog, lineSplitter, silentLog, timedStep, withoutBuilderBanner } from './progress';
import { ConfigurationError, EnvironmentUnavailableError, isNetworkFailure } from '../../model/error-codes';

export const CONTENT_HASH_LABEL = 'sentiment.content-hash';
export const FUNCTION_LABEL = 'sentiment.function';
export const BASE_LABEL = 'sentiment.base';

export interface ImageBuildOptions {
  readonly base: RuntimeBase;
  /** Absolute path of the function's source directory (the build context). */
  readonly sourceDir: string;
  /** Directory holding `artifacts/<fn>/`, where the image's SBOM is stored. @default no SBOM */
  readonly workDir?: string;
  /** Rebuild even when the tag exists. @default false */
  readonly force?: boolean;
  /** @default silent */
  readonly log?: ProgressLog;
}

export function imageTag(functionName: string, contentHash: string): string {
  return `sentiment/${functionName}:${contentHash.slice(0, 12)}`;
}

export async function buildImageArtifact(spec: FunctionSpec, options: ImageBuildOptions): Promise<ImageArtifact> {
  const log = options.log ?? silentLog;
  const { base, sourceDir } = options;
  const prefix = `[build ${spec.name}]`;
  const dockerfile = path.join(sourceDir, spec.image?.dockerfile ?? 'Dockerfile');
  if (!fs.existsSync(dockerfile)) {
    throw new ConfigurationError(
      `Function '${spec.name}' is packaged as an image, but its Dockerfile is missing: looked for ${dockerfile}. ` +
        `Add one (FROM \${BASE_IMAGE}), or set image.dockerfile in the catalog.`,
    );
  }
  // A Dockerfile that installs requirements.lock gets the same freshness check as a ZIP.
  if (hashLockedFunction(spec, sourceDir)) {
    requirementsToInstall(sourceDir, { functionName: spec.name, target: lockTarget(spec.runtime, spec.architecture), required: true });
  }
  const wheels = stageLocalWheels(sourceDir, spec.image?.localWheels ?? []);
  for (const wheel of wheels) log(`${prefix} local wheel ${wheel.name} (${formatBytes(wheel.bytes)}) from ${path.dirname(wheel.from)}`);
  const buildArgs: Record<string, string> = {
    BASE_IMAGE: base.image,
    BUILDER_IMAGE: base.image,
    ...(spec.image?.buildArgs ?? {}),
  };
  // Which base the image is built on, by name and by the engine's image id (rule image-base-pinned).
  const baseLabels = ociBaseLabels({ name: base.image, digest: base.imageId });
  const contentHash = computeContentHash({
    sourceDir,
    packaging: 'image',
    runtime: spec.runtime,
    architecture: spec.architecture,
    baseImageId: base.imageId,
    options: {
      dockerfile: path.relative(sourceDir, dockerfile).split(path.sep).join('/'),
      buildArgs,
      baseLabels,
      // Names and sizes stand in for the wheels' bytes (hundreds of MB): a different build has another name.
      localWheels: wheels.map((wheel) => `${wheel.name}:${wheel.bytes}`),
    },
  });
  const tag = imageTag(spec.name, contentHash);

  const sbomOf = async (fresh: boolean): Promise<SbomReference | undefined> => {
    if (!options.workDir) return undefined;
    const file = sbomPathFor(path.join(options.workDir, 'artifacts', spec.name), contentHash);
    const existing = fresh ? undefined : existingSbom(file);
    if (existing) return existing;
    return timedStep(log, prefix, 'SBOM (cyclonedx-py, from the image)', async () => {
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `sbom-${spec.name}-`));
      try {
        return await writeSbom(await copyImageDistributions(tag, scratch), file, { functionName: spec.name, contentHash, kind: 'image' });
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });
  };

  if (!options.force && (await imageExists(tag))) {
    log(`${prefix} cache hit ${tag}`);
    return { ...(await describeImage(tag)), kind: 'image', functionName: spec.name, contentHash, base, tag, cacheHit: true, buildMs: 0, sbom: await sbomOf(false) };
  }

  const started = Date.now();
  const progress = lineSplitter(log, `${prefix}  `);
  const build = () => buildImage({
    contextDir: sourceDir,
    dockerfile,
    tag,
    buildArgs,
    labels: {
      [HARNESS_LABEL]: '1',
      [CONTENT_HASH_LABEL]: contentHash,
      [FUNCTION_LABEL]: spec.name,
      [BASE_LABEL]: `${base.image}@${base.imageId}`,
      ...baseLabels,
    },
    networkMode: 'host',
    onOutput: progress,
  });
  try {
    await timedStep(log, prefix, `docker build ${tag} on ${base.image}`, build);
  } catch (error) {
    if (error instanceof DockerEngineError) {
      // A RUN step's pip that could not reach its index is the network's failure, not the Dockerfile's.
      throw new (isNetworkFailure(error.detail) ? EnvironmentUnavailableError : Error)(
        [
          `docker build of '${spec.name}' (${path.relative(process.cwd(), dockerfile) || dockerfile}) on ${base.description} failed.`,
          `  the engine said: ${lastLines(withoutBuilderBanner(error.detail), 10).join('\n    ')}`,
          '  Likely causes: a RUN step failed (see the lines above), pip could not reach its index, or the Dockerfile',
          '  does not use the BASE_IMAGE / BUILDER_IMAGE build args (the stand-in builds as a non-root user: add USER root to a builder stage).',
        ].join('\n'),
      );
    }
    throw error;
  } finally {
    progress(undefined);
  }
  const buildMs = Date.now() - started;
  return { ...(await describeImage(tag)), kind: 'image', functionName: spec.name, contentHash, base, tag, cacheHit: false, buildMs, sbom: await sbomOf(true) };
}

async function describeImage(tag: string): Promise<{ imageId: string; bytes: number }> {
  const info = await inspectImage(tag);
  if (!info) throw new DockerEngineError(`inspect image ${tag}`, `No such image: ${tag}`, 404);
  return { imageId: info.Id, bytes: info.Size };
}
