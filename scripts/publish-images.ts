/**
 * `npx tsx scripts/publish-images.ts <preprod|prod> [--manifest <file>]`: pushes each image
 * function's VERIFIED image (same image id as the manifest records) to its ECR repository, and
 * records the registry digest the application stack then pins. Nothing is rebuilt.
 *
 * Needs the registry stack deployed and `docker login` to the registry done (CI: amazon-ecr-login).
 * @cdktf/provider-docker is not used: see the report/README for why.
 */
import { CATALOG } from '../lambdas/catalog';
import { DEPLOY_ENVIRONMENTS, DeployEnvironment } from '../lambdas/resources';
import { MANIFEST_PATH, ImageManifestEntry, readManifest, writeManifestEntries } from '../harness/manifest';
import { inspectImage, pushImage, tagImage } from '../harness/docker/engine';
import { targetFromEnvironment } from '../stacks/aws-target';
import { ecrRegistry, environmentSettings } from '../stacks/environment-settings';
import { ecrRepositoryName } from '../stacks/naming';
import { runMain } from './stack-command';

/** Picks the digest of `repositoryUrl` out of an image's RepoDigests (`<repo>@sha256:...`). */
export function digestForRepository(repoDigests: readonly string[], repositoryUrl: string): string | undefined {
  const match = repoDigests.find((entry) => entry.startsWith(`${repositoryUrl}@`));
  return match?.slice(repositoryUrl.length + 1);
}

/** The checks before any push: a verified, passing entry whose image is still the local one. */
export function publishProblems(entry: ImageManifestEntry | undefined, localImageId: string | undefined): string[] {
  if (!entry) return ['no image entry in the manifest (run `npm run verify`)'];
  const problems: string[] = [];
  if (!entry.verification.passed) problems.push(`verification failed (${entry.verification.failed} of ${entry.verification.checks} checks)`);
  if (!localImageId) problems.push(`the verified image ${entry.tag} is not in the local Docker engine`);
  else if (localImageId !== entry.imageId) {
    problems.push(`local ${entry.tag} is image ${localImageId}, but ${entry.imageId} was verified (rebuilt since?)`);
  }
  return problems;
}

async function main(): Promise<void> {
  const [env, ...rest] = process.argv.slice(2);
  if (!(DEPLOY_ENVIRONMENTS as readonly string[]).includes(env ?? '')) {
    throw new Error(`Usage: npx tsx scripts/publish-images.ts <${DEPLOY_ENVIRONMENTS.join('|')}> [--manifest <file>]`);
  }
  const manifestPath = rest[0] === '--manifest' && rest[1] ? rest[1] : MANIFEST_PATH;
  const manifest = readManifest(manifestPath);
  const settings = environmentSettings(env as DeployEnvironment, targetFromEnvironment());
  const published: ImageManifestEntry[] = [];
  for (const spec of CATALOG.filter((candidate) => candidate.packaging === 'image')) {
    const found = manifest.functions[spec.name];
    const entry = found?.kind === 'image' ? found : undefined;
    const inspected = entry ? await inspectImage(entry.tag) : undefined;
    const problems = publishProblems(entry, inspected?.Id);
    if (problems.length > 0 || !entry) {
      throw new Error(`Refusing to publish '${spec.name}': ${problems.join('; ')}.`);
    }
    const repositoryUrl = `${ecrRegistry(settings)}/${ecrRepositoryName(settings.environment, spec.name)}`;
    const remoteTag = `${repositoryUrl}:${entry.contentHash.slice(0, 12)}`;
    await tagImage(entry.imageId, remoteTag);
    console.log(`Pushing ${entry.tag} (${entry.imageId}) as ${remoteTag}`);
    await pushImage(remoteTag, (text) => process.stdout.write(text));
    const repoDigests = (await inspectImage(remoteTag))?.RepoDigests ?? [];
    const digest = digestForRepository(repoDigests, repositoryUrl);
    if (!digest) throw new Error(`Pushed ${remoteTag} but Docker reports no digest for ${repositoryUrl} (RepoDigests: ${repoDigests.join(', ')}).`);
    if (entry.repoDigest && entry.repoDigest !== digest) {
      throw new Error(
        `'${spec.name}' pushed to ${repositoryUrl} as ${digest}, but the manifest already records ${entry.repoDigest} (pushed to another registry?). One manifest pins one digest; publish from the same engine or re-run verify.`,
      );
    }
    published.push({ ...entry, repoDigest: digest });
    console.log(`Published ${spec.name}: ${repositoryUrl}@${digest}`);
  }
  writeManifestEntries(published, manifestPath);
}

if (require.main === module) runMain(main);
