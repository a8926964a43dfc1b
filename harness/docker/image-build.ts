/**
 * `docker build` through the engine API (testcontainers' dockerode client): the context is sent as
 * a tar that honours `.dockerignore`, the build's output streams to `onOutput`, and a failed step
 * rejects with the engine's own error line (testcontainers' `fromDockerfile` builds too, but
 * neither streams the output nor reports a failed step).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from '@balena/dockerignore';
import { DockerEngineError, dockerode, engineError, followProgress, refuseWhileShuttingDown } from './engine';

/**
 * The OCI annotation keys an image uses to say which base it was built on
 * (https://github.com/opencontainers/image-spec/blob/main/annotations.md), set as labels: Docker
 * does not record FROM, so without them nobody can tell later which base bytes an image holds.
 */
export const OCI_BASE_NAME_LABEL = 'org.opencontainers.image.base.name';
export const OCI_BASE_DIGEST_LABEL = 'org.opencontainers.image.base.digest';

/** The base labels of an image built FROM `name`, whose bytes `digest` (`sha256:...`) names. */
export function ociBaseLabels(base: { readonly name: string; readonly digest: string }): Record<string, string> {
  return { [OCI_BASE_NAME_LABEL]: base.name, [OCI_BASE_DIGEST_LABEL]: base.digest };
}

export interface ImageBuildProps {
  /** The build context directory. */
  readonly contextDir: string;
  /** The Dockerfile, inside the context. @default `<contextDir>/Dockerfile` */
  readonly dockerfile?: string;
  readonly tag: string;
  /** `--build-arg`s. @default none */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** `--label`s of the image. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** `--network` of the RUN steps. @default 'host' (pip reaches its index the way the host does) */
  readonly networkMode?: string;
  /** Each line of build output, for progress. @default none */
  readonly onOutput?: (text: string) => void;
}

export async function buildImage(props: ImageBuildProps): Promise<void> {
  const dockerfile = path.resolve(props.contextDir, props.dockerfile ?? 'Dockerfile');
  const relativeDockerfile = path.relative(props.contextDir, dockerfile);
  if (relativeDockerfile.startsWith('..') || !fs.existsSync(dockerfile)) {
    throw new Error(`Dockerfile '${dockerfile}' must exist inside the build context '${props.contextDir}'.`);
  }
  const operation = `build image ${props.tag}`;
  refuseWhileShuttingDown(operation);
  const docker = await dockerode();
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(
      { context: props.contextDir, src: contextFiles(props.contextDir, relativeDockerfile) },
      {
        t: props.tag,
        dockerfile: relativeDockerfile.split(path.sep).join('/'),
        buildargs: { ...props.buildArgs },
        labels: { ...props.labels },
        networkmode: props.networkMode ?? 'host',
        // The legacy builder keeps a failed step's container otherwise.
        forcerm: true,
        rm: true,
      },
    );
  } catch (error) {
    throw engineError(operation, error);
  }
  await followProgress(operation, stream, props.onOutput);
  if (!(await docker.getImage(props.tag).inspect().then(() => true, () => false))) {
    throw new DockerEngineError(operation, `the build ended without an image tagged ${props.tag}`);
  }
}

/** Files of the context, relative, minus what `.dockerignore` excludes (the Dockerfile always goes). */
export function contextFiles(contextDir: string, dockerfile = 'Dockerfile'): string[] {
  const ignoreFile = path.join(contextDir, '.dockerignore');
  const filter = fs.existsSync(ignoreFile) ? ignore().add(fs.readFileSync(ignoreFile, 'utf8')).createFilter() : () => true;
  const files: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of fs.readdirSync(path.join(contextDir, relativeDir), { withFileTypes: true })) {
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (!filter(relative)) continue;
      if (entry.isDirectory()) walk(relative);
      else files.push(relative);
    }
  };
  walk('');
  const dockerfilePath = dockerfile.split(path.sep).join('/');
  if (!files.includes(dockerfilePath)) files.push(dockerfilePath);
  return files.sort();
}
