/**
 * Turns the artifact manifest into what a stack deploys: the verified ZIP (path + sha256) or the
 * verified image (its immutable registry tag, and its digest once published). Nothing here stops
 * synthesis: a function that was never verified (a fresh clone) gets a placeholder that the
 * deploy gate's preconditions refuse at plan, with the fix.
 */
import * as path from 'node:path';
import { FunctionSpec } from '../model/function-spec';
import { Manifest, ManifestEntry, publishTag } from '../model/manifest';

export type DeployableArtifact =
  | { readonly kind: 'zip'; readonly functionName: string; readonly zipPath: string; readonly sha256: string }
  | {
      readonly kind: 'image';
      readonly functionName: string;
      /** The immutable tag the verified image is (or will be) published under. */
      readonly tag: string;
      /** Registry digest recorded by publishing. @default undefined: resolved from the tag at plan */
      readonly digest?: string;
    };

export interface DeployableArtifactOptions {
  /** Directory the manifest's relative ZIP paths are relative to. */
  readonly repoRoot: string;
}

/** sha256 of nothing verified: never the hash of a real archive. */
export const UNVERIFIED_SHA256 = '0'.repeat(64);

/** The manifest's entry for this declaration, when its packaging matches. */
export function manifestEntryFor(spec: FunctionSpec, manifest: Manifest): ManifestEntry | undefined {
  const entry = manifest.functions[spec.name];
  return entry?.kind === spec.packaging ? entry : undefined;
}

export function deployableArtifact(spec: FunctionSpec, manifest: Manifest, options: DeployableArtifactOptions): DeployableArtifact {
  const entry = manifestEntryFor(spec, manifest);
  if (spec.packaging === 'zip') {
    if (entry?.kind === 'zip') {
      return { kind: 'zip', functionName: spec.name, zipPath: path.resolve(options.repoRoot, entry.zipPath), sha256: entry.sha256 };
    }
    return {
      kind: 'zip',
      functionName: spec.name,
      zipPath: path.resolve(options.repoRoot, '.work', 'not-verified', `${spec.name}.zip`),
      sha256: UNVERIFIED_SHA256,
    };
  }
  if (entry?.kind === 'image') {
    return { kind: 'image', functionName: spec.name, tag: entry.publishedTag ?? publishTag(entry), digest: entry.repoDigest };
  }
  return { kind: 'image', functionName: spec.name, tag: 'not-verified' };
}
