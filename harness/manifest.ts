/**
 * The artifact manifest: which artifacts were built and verified, with what result.
 * `verify` writes it; the stacks deploy exactly what it lists; `deploy` refuses when it does
 * not vouch (a passing verification) for the hashes/digests the stack references.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../lambdas/catalog';

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
  readonly bytes: number;
}

export type ManifestEntry = ZipManifestEntry | ImageManifestEntry;

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
    // A re-verified image that is still the pushed one keeps its registry digest.
    const keepDigest = entry.kind === 'image' && before?.kind === 'image' && before.imageId === entry.imageId && before.repoDigest && !entry.repoDigest;
    functions[entry.functionName] = keepDigest ? { ...entry, repoDigest: (before as ImageManifestEntry).repoDigest } : entry;
  }
  const manifest: Manifest = { version: 1, generatedAt: new Date().toISOString(), functions };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
