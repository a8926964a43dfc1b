/**
 * The artifact manifest: which artifacts were built and verified, with what result.
 * `verify` writes it; the stacks deploy exactly what it lists; `deploy` refuses when it does
 * not vouch (a passing verification) for the hashes/digests the stack references.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MACHINE_CHOICE_OF, MachineChoices } from './machine-choices';
import { REPO_ROOT } from './paths';
import { VerifiedConfiguration } from './verified-configuration';

export const MANIFEST_PATH = path.join(REPO_ROOT, '.work', 'manifest.json');

export interface ManifestVerification {
  readonly passed: boolean;
  readonly at: string;
  readonly checks: number;
  readonly failed: number;
  /** Which base ran the suite: "stand-in (Debian trixie, ...)" or the official image. */
  readonly base: string;
}

interface ManifestEntryCommon {
  readonly functionName: string;
  readonly contentHash: string;
  readonly runtime: string;
  readonly architecture: string;
  readonly verification: ManifestVerification;
  /**
   * The configuration the function was verified with, and its fingerprint. Manifests written
   * before it was recorded lack it: the deploy gate then refuses until the function is re-verified.
   */
  readonly configuration?: VerifiedConfiguration;
  /** Machine-dependent catalog choices this function was verified with (`ANALYSIS_RUNTIME`...). @default {} */
  readonly choices?: Partial<Record<keyof MachineChoices, string>>;
  /** The artifact's CycloneDX SBOM (see ManifestSbom below). @default undefined (recorded before SBOMs existed) */
  readonly sbom?: ManifestSbom;
}

export interface ZipManifestEntry extends ManifestEntryCommon {
  readonly kind: 'zip';
  /** Path of the verified archive, relative to the repository root. */
  readonly zipPath: string;
  /** sha256 hex of the archive bytes. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface ImageManifestEntry extends ManifestEntryCommon {
  readonly kind: 'image';
  readonly tag: string;
  /** Local image id (config digest, `sha256:...`). */
  readonly imageId: string;
  /** Registry manifest digest once the verified image was pushed (`sha256:...`). @default undefined */
  readonly repoDigest?: string;
  /** The immutable tag the image was pushed under; it names this exact image (see publishTag). @default undefined */
  readonly publishedTag?: string;
  readonly bytes: number;
}

export type ManifestEntry = ZipManifestEntry | ImageManifestEntry;

// --- Supply chain: the SBOM recorded with each artifact -------------------------------------
/** Where the artifact's CycloneDX SBOM lies and what its bytes hash to. */
export interface ManifestSbom {
  /** Relative to the repository root: `.work/artifacts/<fn>/<contentHash>.cdx.json`. */
  readonly path: string;
  /** sha256 hex of the SBOM file. */
  readonly sha256: string;
}

export function manifestSbom(sbom: { readonly path: string; readonly sha256: string } | undefined): ManifestSbom | undefined {
  return sbom ? { path: path.relative(REPO_ROOT, sbom.path), sha256: sbom.sha256 } : undefined;
}
// ---------------------------------------------------------------------------------------------

export interface Manifest {
  readonly version: 1;
  readonly generatedAt: string;
  readonly functions: Readonly<Record<string, ManifestEntry>>;
}

export function readManifest(file = MANIFEST_PATH): Manifest {
  if (!fs.existsSync(file)) {
    throw new Error(`No artifact manifest at ${file}. Run \`npm run verify\` first: it builds, verifies and records every artifact.`);
  }
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  if (parsed.version !== 1 || typeof parsed.functions !== 'object') {
    throw new Error(`Artifact manifest ${file} is not a version 1 manifest. Re-run \`npm run verify\`.`);
  }
  return parsed;
}

/** Merges entries into the manifest on disk (functions verified earlier are kept). */
export function writeManifestEntries(entries: readonly ManifestEntry[], file = MANIFEST_PATH): Manifest {
  const previous = fs.existsSync(file) ? readManifest(file).functions : {};
  const functions: Record<string, ManifestEntry> = { ...previous };
  for (const entry of entries) {
    const before = functions[entry.functionName];
    // A re-verified image that is still the pushed one keeps its registry digest and tag.
    const keepDigest = entry.kind === 'image' && before?.kind === 'image' && before.imageId === entry.imageId && before.repoDigest && !entry.repoDigest;
    functions[entry.functionName] = keepDigest
      ? { ...entry, repoDigest: (before as ImageManifestEntry).repoDigest, publishedTag: (before as ImageManifestEntry).publishedTag }
      : entry;
  }
  const manifest: Manifest = { version: 1, generatedAt: new Date().toISOString(), functions };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** An empty manifest: it vouches for nothing (a fresh clone synthesizes with it; plans refuse). */
export const EMPTY_MANIFEST: Manifest = { version: 1, generatedAt: '', functions: {} };

/** The manifest on disk, or the empty one when nothing was verified yet. */
export function readManifestIfPresent(file = MANIFEST_PATH): Manifest {
  return fs.existsSync(file) ? readManifest(file) : EMPTY_MANIFEST;
}

/** This machine's choices, for recording with a function verified now. */
export function choicesFor(functionName: string, choices: MachineChoices): Partial<Record<keyof MachineChoices, string>> {
  const keys = (Object.keys(MACHINE_CHOICE_OF) as (keyof MachineChoices)[]).filter((key) => MACHINE_CHOICE_OF[key] === functionName);
  return Object.fromEntries(keys.map((key) => [key, choices[key]]));
}

/** The choices the manifest recorded (synthesis deploys those), falling back to this machine's. */
export function recordedMachineChoices(manifest: Manifest, fallback: MachineChoices): MachineChoices {
  const recorded = { ...fallback } as Record<keyof MachineChoices, string>;
  for (const key of Object.keys(MACHINE_CHOICE_OF) as (keyof MachineChoices)[]) {
    const value = manifest.functions[MACHINE_CHOICE_OF[key]]?.choices?.[key];
    if (value !== undefined) recorded[key] = value;
  }
  return recorded as unknown as MachineChoices;
}

/**
 * The registry tag of a verified image: its content hash AND its image id, so the tag names this
 * exact image. Immutable tags stay correct: a rebuild with the same inputs but other bytes gets
 * another tag instead of colliding with the pushed one (issue 12: idempotent publishing).
 */
export function publishTag(entry: Pick<ImageManifestEntry, 'contentHash' | 'imageId'>): string {
  return `${entry.contentHash.slice(0, 12)}-${entry.imageId.replace(/^sha256:/, '').slice(0, 12)}`;
}
