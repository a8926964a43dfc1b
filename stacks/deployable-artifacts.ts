/**
 * Turns the artifact manifest into what a stack deploys: the verified ZIP (path + sha256) or the
 * pushed image (repository + digest). Missing or mismatched entries stop synthesis with the fix.
 */
import * as path from 'node:path';
import { FunctionSpec } from '../lambdas/function-spec';
import { Manifest } from '../harness/manifest';

export type DeployableArtifact =
  | { readonly kind: 'zip'; readonly functionName: string; readonly zipPath: string; readonly sha256: string }
  | { readonly kind: 'image'; readonly functionName: string; readonly repositoryUrl: string; readonly digest: string };

export interface DeployableArtifactOptions {
  /** Directory the manifest's relative ZIP paths are relative to. */
  readonly repoRoot: string;
  /** Where the image function's verified image was pushed. */
  readonly repositoryUrl: string;
}

export function deployableArtifact(spec: FunctionSpec, manifest: Manifest, options: DeployableArtifactOptions): DeployableArtifact {
  const entry = manifest.functions[spec.name];
  if (!entry) {
    throw new Error(
      `Function '${spec.name}' has no entry in the artifact manifest (it lists: ${Object.keys(manifest.functions).join(', ') || 'nothing'}). Run \`npm run verify\` to build and verify it.`,
    );
  }
  if (entry.kind !== spec.packaging) {
    throw new Error(
      `Function '${spec.name}': the catalog packages it as '${spec.packaging}' but the manifest recorded a '${entry.kind}' artifact. The packaging switch changed since the last verification; run \`npm run verify\` again.`,
    );
  }
  if (entry.kind === 'zip') {
    return { kind: 'zip', functionName: spec.name, zipPath: path.resolve(options.repoRoot, entry.zipPath), sha256: entry.sha256 };
  }
  if (!entry.repoDigest) {
    throw new Error(
      `Image function '${spec.name}': the manifest has no registry digest for image ${entry.tag} (${entry.imageId}); it was verified but not pushed. Deploy the registry stack, then run \`npx tsx scripts/publish-images.ts <environment>\`; it pushes the verified image and records its digest.`,
    );
  }
  return { kind: 'image', functionName: spec.name, repositoryUrl: options.repositoryUrl, digest: entry.repoDigest };
}
