/**
 * What `build` produces and everything downstream (inspect, boot, suite, manifest, stacks)
 * consumes. A content hash names each artifact: same inputs, same hash, same bytes.
 */
import { Architecture, PythonRuntime } from '../../model/runtimes';
import { SbomReference } from './sbom';

/** The runtime image an artifact was built with and is booted on. Every report names it. */
export interface RuntimeBase {
  readonly runtime: PythonRuntime;
  readonly architecture: Architecture;
  /** `official` = public.ecr.aws/lambda/python; `standin` = our locally built Debian image. */
  readonly kind: 'official' | 'standin';
  /** Image that runs functions: `public.ecr.aws/lambda/python:3.13` or `lambda-standin/python:3.13`. */
  readonly image: string;
  /** Image with pip that installs ZIP dependencies (the same image for `official`). */
  readonly buildImage: string;
  /** `sha256:...` image id of `image`, part of every content hash. */
  readonly imageId: string;
  /** Human description for reports: "stand-in (Debian trixie, Python 3.13.5, awslambdaric 4.2.2)". */
  readonly description: string;
}

interface ArtifactCommon {
  readonly functionName: string;
  /** sha256 over sources, requirements, runtime, architecture, base image id, builder version. */
  readonly contentHash: string;
  readonly base: RuntimeBase;
  /** True when the build was skipped because an artifact with this content hash existed. */
  readonly cacheHit: boolean;
  /** Wall time of the build step in ms (0 for a cache hit). */
  readonly buildMs: number;
  /** CycloneDX SBOM of the Python distributions the artifact ships, stored beside it. @default undefined (not produced) */
  readonly sbom?: SbomReference;
}

export interface ZipArtifact extends ArtifactCommon {
  readonly kind: 'zip';
  /** Absolute path of the deterministic archive. */
  readonly zipPath: string;
  /** sha256 (hex) of the archive's bytes: what `source_code_hash` deploys. */
  readonly sha256: string;
  /** Zipped size in bytes. */
  readonly bytes: number;
  /** Absolute path of the archive extracted, mounted read-only at /var/task when booting. */
  readonly unpackedDir: string;
}

export interface ImageArtifact extends ArtifactCommon {
  readonly kind: 'image';
  /** Local tag, named by content hash: `sentiment/analysis:<hash12>`. */
  readonly tag: string;
  /** `sha256:...` image id (config digest); survives a push unchanged. */
  readonly imageId: string;
  /** Uncompressed image size in bytes as the engine reports it. */
  readonly bytes: number;
}

export type Artifact = ZipArtifact | ImageArtifact;
