/**
 * `npx tsx scripts/publish-images.ts <preprod|prod> [--manifest <file>] [--registry <host[:port]>] [--endpoint <local AWS url>]`
 *
 * Pushes each image function's VERIFIED image (the image id the manifest records) to its
 * repository under an immutable tag that names that exact image (publishTag: content hash + image
 * id), and records the digest the registry returns; the application stack pins it. Nothing is
 * rebuilt. Idempotent: when the registry already has the tag for this same image, its digest is
 * reused and nothing is pushed; a tag naming another image is refused (tags never move).
 *
 * `--registry` pushes to another OCI registry than the account's ECR (a local `docker-registry`
 * in the rehearsal); `--endpoint` then mirrors the pushed manifest into the local AWS server's ECR
 * under the same digest, so the stack's ECR image data source resolves it at plan.
 * Needs the registry stack deployed and `docker login` to the registry done (CI: amazon-ecr-login).
 */
import { machineCatalog } from '../harness/machine-catalog';
import { DEPLOY_ENVIRONMENTS, DeployEnvironment } from '../model/resources';
import { MANIFEST_PATH, ImageManifestEntry, publishTag, readManifest, writeManifestEntries } from '../model/manifest';
import { inspectImage, pushImage, removeImage, tagImage } from '../harness/docker/engine';
import { fetchRemoteManifest } from '../deploy/oci-registry';
import { runLocalAws } from '../harness/local-aws/local-aws-cli';
import { targetFromEnvironment } from '../stacks/aws-target';
import { ecrRegistry, environmentSettings } from '../stacks/environment-settings';
import { ecrRepositoryName } from '../stacks/naming';
import { runMain } from './stack-command';
import { OptionSpec, UsageError, formatOptions, parseArgs } from '../harness/cli/cli-args';

const USAGE = `Usage: npx tsx scripts/publish-images.ts <${DEPLOY_ENVIRONMENTS.join('|')}> [--manifest <file>] [--registry <host[:port]>] [--endpoint <local AWS url>]`;

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

export interface PublishOptions {
  readonly environment: DeployEnvironment;
  readonly manifestPath: string;
  /** @default the environment's ECR registry */
  readonly registry?: string;
  /** Local AWS server whose ECR receives a copy of the pushed manifest. @default none */
  readonly endpoint?: string;
  /** @default console.log */
  readonly log?: (line: string) => void;
}

export interface PublishedImage {
  readonly functionName: string;
  readonly reference: string;
  readonly digest: string;
  /** False when the registry already had this exact image under its tag (nothing pushed). */
  readonly pushed: boolean;
}

export async function publishImages(options: PublishOptions): Promise<PublishedImage[]> {
  const log = options.log ?? console.log;
  const manifest = readManifest(options.manifestPath);
  const registry = options.registry ?? ecrRegistry(environmentSettings(options.environment, targetFromEnvironment()));
  const published: PublishedImage[] = [];
  const entries: ImageManifestEntry[] = [];
  for (const spec of machineCatalog().filter((candidate) => candidate.packaging === 'image')) {
    const found = manifest.functions[spec.name];
    const entry = found?.kind === 'image' ? found : undefined;
    const inspected = entry ? await inspectImage(entry.tag).catch(() => undefined) : undefined;
    const problems = publishProblems(entry, inspected?.Id);
    if (problems.length > 0 || !entry) throw new Error(`Refusing to publish '${spec.name}': ${problems.join('; ')}.`);

    const repository = ecrRepositoryName(options.environment, spec.name);
    const tag = publishTag(entry);
    const reference = `${registry}/${repository}:${tag}`;
    let remote = await fetchRemoteManifest(registry, repository, tag);
    let pushed = false;
    if (remote && remote.configDigest !== entry.imageId) {
      throw new Error(
        `Refusing to publish '${spec.name}': ${reference} already names image ${remote.configDigest}, not the verified ${entry.imageId}. Tags are immutable; re-run \`npm run verify -- ${spec.name}\` so the tag names the image you verify.`,
      );
    }
    if (remote) {
      log(`${reference} already holds the verified image ${entry.imageId}: reusing ${remote.digest}, nothing pushed`);
    } else {
      await tagImage(entry.imageId, reference);
      log(`Pushing ${entry.tag} (${entry.imageId}) as ${reference}`);
      try {
        await pushImage(reference, (text) => process.stdout.write(text));
      } finally {
        await removeImage(reference, { untagOnly: true }).catch(() => undefined);
      }
      remote = await fetchRemoteManifest(registry, repository, tag);
      if (!remote) throw new Error(`Pushed ${reference}, but the registry does not serve that tag.`);
      if (remote.configDigest !== entry.imageId) {
        throw new Error(`Pushed ${reference}, but the registry serves image ${remote.configDigest} under it, not ${entry.imageId}.`);
      }
      pushed = true;
    }
    if (entry.repoDigest && entry.repoDigest !== remote.digest) {
      throw new Error(
        `'${spec.name}' is ${remote.digest} in ${registry}, but the manifest already records ${entry.repoDigest} (published elsewhere from other layer bytes?). One manifest pins one digest; publish from the engine that published first, or re-run verify.`,
      );
    }
    if (options.endpoint) {
      const mirrored = await runLocalAws<{ digest: string; created: boolean }>(options.endpoint, 'put-image', {
        repository,
        tag,
        manifest: remote.body,
        mediaType: remote.mediaType,
        digest: remote.digest,
      });
      if (mirrored.digest !== remote.digest) {
        throw new Error(`The local ECR holds ${repository}:${tag} as ${mirrored.digest}, not the registry's ${remote.digest}.`);
      }
      log(`Mirrored ${repository}:${tag} into the local ECR at ${options.endpoint} (${mirrored.created ? 'new' : 'already there'})`);
    }
    entries.push({ ...entry, repoDigest: remote.digest, publishedTag: tag });
    published.push({ functionName: spec.name, reference, digest: remote.digest, pushed });
    log(`Published ${spec.name}: ${registry}/${repository}@${remote.digest}`);
  }
  writeManifestEntries(entries, options.manifestPath);
  return published;
}

const PUBLISH_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  manifest: { kind: 'value', description: 'artifact manifest (default .work/manifest.json)' },
  registry: { kind: 'value', description: "push to this OCI registry (host[:port]) instead of the environment's ECR" },
  endpoint: { kind: 'value', description: "also mirror the pushed manifest into this local AWS server's ECR" },
};

export function parsePublishArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PublishOptions {
  const usage = `${USAGE}\n${formatOptions(PUBLISH_OPTIONS)}`;
  const { positionals, values } = parseArgs(argv, PUBLISH_OPTIONS, usage);
  const [environment, ...extra] = positionals;
  if (!(DEPLOY_ENVIRONMENTS as readonly string[]).includes(environment ?? '') || extra.length > 0) {
    throw new UsageError(`Name one environment (${DEPLOY_ENVIRONMENTS.join(' or ')}), got ${positionals.map((p) => `'${p}'`).join(' ') || 'none'}.`, usage);
  }
  const { registry } = values;
  if (registry !== undefined && !/^[a-z0-9.-]+(:\d+)?$/i.test(registry)) {
    throw new UsageError(`--registry must be a registry host with an optional port, such as 127.0.0.1:5350, got '${registry}'.`, usage);
  }
  return {
    environment: environment as DeployEnvironment,
    manifestPath: values.manifest ?? MANIFEST_PATH,
    registry,
    endpoint: values.endpoint ?? (env.SENTIMENT_AWS_TARGET === 'local' ? env.SENTIMENT_AWS_ENDPOINT : undefined),
  };
}

if (require.main === module) {
  runMain(async () => {
    await publishImages(parsePublishArgs(process.argv.slice(2)));
  });
}
