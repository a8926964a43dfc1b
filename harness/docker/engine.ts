/**
 * The one place the harness reaches the container engine: testcontainers-node finds it the way
 * users expect (DOCKER_HOST, ~/.testcontainers.properties, the local and rootless sockets, Docker
 * Desktop, Colima, Podman) and gives us its dockerode client for what GenericContainer does not
 * cover (builds with progress, imports, exports). No code path needs a `docker` binary.
 * testcontainers is loaded on first use, so "no engine" is reported without paying for it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ContainerRuntimeClient } from 'testcontainers';
import { HARNESS_LABEL, OWNER_LABEL, ownerId, ownerLabels } from './owner';
import { isShuttingDown, onShutdown, ShuttingDownError } from '../process/shutdown';
import { lastLines } from '../process/output-tail';
import { EnvironmentUnavailableError } from '../../model/error-codes';

/** The dockerode client testcontainers built for the engine it found. */
export type Dockerode = ContainerRuntimeClient['container']['dockerode'];

/** The label every container and image the harness creates carries, so cleanup finds them. */
export { HARNESS_LABEL, ownerLabels };

// Registered first, so it runs last: after every other cleanup, remove every container this
// process owns (Ryuk's job where its image exists; ours everywhere).
onShutdown(() => removeOwnedContainers());

/** Rejects work that would start something once a shutdown has begun. */
export function refuseWhileShuttingDown(what: string): void {
  if (isShuttingDown()) throw new ShuttingDownError(what);
}

/** testcontainers' reaper image (its default, or RYUK_CONTAINER_IMAGE as testcontainers reads it). */
export const RYUK_IMAGE = process.env.RYUK_CONTAINER_IMAGE ?? 'testcontainers/ryuk:0.14.0';

export class DockerUnavailableError extends EnvironmentUnavailableError {
  constructor(detail: string) {
    super(
      [
        'No Docker engine is reachable, and the harness builds and boots every function in containers.',
        `  the engine said: ${detail.trim() || '(nothing)'}`,
        '  Start one, then retry:',
        '    - Linux with systemd:  sudo systemctl start docker',
        '    - Linux without it:    sudo dockerd > /tmp/dockerd.log 2>&1 &   (Debian: sudo apt-get install docker.io)',
        '    - macOS / Windows:     start Docker Desktop',
        '    - a remote engine:     export DOCKER_HOST=tcp://<host>:2375 (or unix:///path/to/docker.sock)',
        '  Check with: docker info',
      ].join('\n'),
    );
    this.name = 'DockerUnavailableError';
  }
}

/** An engine API call failed: what we asked for, and what the engine answered. */
export class DockerEngineError extends Error {
  constructor(
    readonly operation: string,
    readonly detail: string,
    readonly statusCode?: number,
  ) {
    super(`${operation} failed${statusCode ? ` (HTTP ${statusCode})` : ''}: ${lastLines(detail, 20).join('\n')}`);
    this.name = 'DockerEngineError';
  }
}

/** Wraps an engine API error (dockerode's carry `statusCode` and `json.message`). */
export function engineError(operation: string, error: unknown): DockerEngineError {
  if (error instanceof DockerEngineError) return error;
  const e = error as { statusCode?: number; json?: { message?: string }; message?: string };
  const detail = e?.json?.message ?? e?.message ?? String(error);
  return new DockerEngineError(operation, detail, e?.statusCode);
}

export interface EngineInfo {
  readonly client: ContainerRuntimeClient;
  /** How containers are reaped: testcontainers' Ryuk, or our own session cleanup when its image is not local. */
  readonly reaper: 'ryuk' | 'disabled: image not local' | 'disabled by TESTCONTAINERS_RYUK_DISABLED';
}

let connecting: Promise<EngineInfo> | undefined;

/**
 * The engine, found once per process. Rejects with DockerUnavailableError within `timeoutMs`
 * when nothing answers (testcontainers alone would fall back from a dead DOCKER_HOST to the local
 * socket: a user who points DOCKER_HOST somewhere means that engine, so we check it first).
 */
export function engineInfo(timeoutMs = 8000): Promise<EngineInfo> {
  if (!connecting) {
    connecting = connect(timeoutMs);
    connecting.catch(() => (connecting = undefined));
  }
  return connecting;
}

/** testcontainers' client for the engine. */
export async function engine(): Promise<ContainerRuntimeClient> {
  return (await engineInfo()).client;
}

/** dockerode, configured by testcontainers for the engine it found. */
export async function dockerode(): Promise<Dockerode> {
  return (await engine()).container.dockerode;
}

/** Throws DockerUnavailableError within seconds when no engine answers. */
export async function ensureDockerEngine(timeoutMs = 8000): Promise<void> {
  await engineInfo(timeoutMs);
}

async function connect(timeoutMs: number): Promise<EngineInfo> {
  const configured = process.env.DOCKER_HOST;
  if (configured) await pingConfiguredHost(configured, timeoutMs);
  // Loaded before the clock starts: the limit is for the engine's answer, not for module loading.
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DockerUnavailableError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const client = await Promise.race([getContainerRuntimeClient(), timeout]).catch((error: unknown) => {
      if (error instanceof DockerUnavailableError) throw error;
      throw new DockerUnavailableError(`${error instanceof Error ? error.message : String(error)} (looked at DOCKER_HOST, ~/.testcontainers.properties, /var/run/docker.sock and the rootless sockets)`);
    });
    return { client, reaper: await chooseReaper(client) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ryuk removes a crashed run's containers, but its image must be local (no registry is reachable
 * on our machines). Without it, testcontainers' reaper is disabled and the harness removes its
 * own containers (removeSessionContainers, by testcontainers' session label).
 */
async function chooseReaper(client: ContainerRuntimeClient): Promise<EngineInfo['reaper']> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED === 'true') return 'disabled by TESTCONTAINERS_RYUK_DISABLED';
  const { ImageName } = await import('testcontainers');
  if (await client.image.exists(ImageName.fromString(RYUK_IMAGE)).catch(() => false)) return 'ryuk';
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  return 'disabled: image not local';
}

/** A quick `GET /_ping` on DOCKER_HOST, so a dead configured engine is named, not silently replaced. */
function pingConfiguredHost(dockerHost: string, timeoutMs: number): Promise<void> {
  let options: http.RequestOptions;
  try {
    const url = new URL(dockerHost);
    if (url.protocol === 'unix:') options = { socketPath: url.pathname };
    else if (url.protocol === 'tcp:' || url.protocol === 'http:') options = { host: url.hostname, port: Number(url.port || 2375) };
    else return Promise.resolve(); // ssh://, https:// (TLS): testcontainers handles these itself.
  } catch {
    return Promise.reject(new DockerUnavailableError(`DOCKER_HOST=${dockerHost} is not a URL (expected unix:///path or tcp://host:port)`));
  }
  return new Promise((resolve, reject) => {
    const request = http.request({ ...options, path: '/_ping', method: 'GET', timeout: timeoutMs }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve();
      else reject(new DockerUnavailableError(`DOCKER_HOST=${dockerHost} answered /_ping with HTTP ${response.statusCode}`));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => reject(new DockerUnavailableError(`DOCKER_HOST=${dockerHost}: ${error.message}`)));
    request.end();
  });
}

/** The image's inspect document, or undefined when the engine has no such image. */
export async function inspectImage(reference: string): Promise<import('dockerode').ImageInspectInfo | undefined> {
  const docker = await dockerode();
  try {
    return await docker.getImage(reference).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw engineError(`inspect image ${reference}`, error);
  }
}

/** True when an image with this reference exists in the engine. */
export async function imageExists(reference: string): Promise<boolean> {
  return (await inspectImage(reference)) !== undefined;
}

/** `sha256:...` id of an image; throws a clear error when it does not exist. */
export async function imageId(reference: string): Promise<string> {
  const info = await inspectImage(reference);
  if (!info) throw new DockerEngineError(`inspect image ${reference}`, `No such image: ${reference}`, 404);
  return info.Id;
}

/**
 * `docker rmi [-f] <reference>`; a missing image is not an error. `untagOnly` (no force) drops
 * just this name when the image has others, as `docker rmi` does.
 */
export async function removeImage(reference: string, options: { untagOnly?: boolean } = {}): Promise<void> {
  const docker = await dockerode();
  try {
    await docker.getImage(reference).remove({ force: !options.untagOnly });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw engineError(`remove image ${reference}`, error);
  }
}

/** Removes a container by id or name, running or not; a missing one is not an error. */
export async function removeContainer(idOrName: string): Promise<void> {
  const docker = await dockerode();
  try {
    await docker.getContainer(idOrName).remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: gone. 409: another removal is in progress (a shutdown races the step's own clean-up):
    // wait for it, so "removed" means gone when a caller (a shutdown, then exit) goes on.
    if (status === 409) return waitUntilGone(docker, idOrName);
    if (status !== 404) throw engineError(`remove container ${idOrName}`, error);
  }
}

const REMOVAL_WAIT_MS = 15_000;

async function waitUntilGone(docker: Dockerode, idOrName: string): Promise<void> {
  const until = Date.now() + REMOVAL_WAIT_MS;
  while (Date.now() < until) {
    try {
      await docker.getContainer(idOrName).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      throw engineError(`inspect container ${idOrName}`, error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ids of containers (running or not) carrying every label given (`key` or `key=value`). */
export async function containersLabelled(...labels: string[]): Promise<string[]> {
  return listContainerIds({ label: labels });
}

/** `docker ps -q [--all] --filter ...`: ids of the containers matching the engine's filters. */
export async function listContainerIds(filters: Readonly<Record<string, readonly string[]>>, options: { all?: boolean } = { all: true }): Promise<string[]> {
  const docker = await dockerode();
  const list = await docker.listContainers({ all: options.all ?? true, filters: JSON.stringify(filters) });
  return list.map((container) => container.Id);
}

/**
 * The project's own reaper: removes every container (running or not) a harness process owns, by
 * the owner label harness/docker/owner.ts puts on each. The CLIs call it on the way out and on
 * Ctrl-C; what a `kill -9` left is reaped at the next start (harness/lifecycle/reap.ts).
 */
export async function removeOwnedContainers(owner = ownerId()): Promise<number> {
  if (!connecting) return 0; // this process never reached the engine: it owns nothing there
  const ids = await containersLabelled(`${OWNER_LABEL}=${owner}`).catch(() => []);
  await Promise.all(ids.map((id) => removeContainer(id).catch(() => undefined)));
  return ids.length;
}

/**
 * Follows a build/pull/push/import progress stream to its end; rejects with the engine's own
 * error line (these streams report failures in-band, with HTTP 200).
 */
export async function followProgress(
  operation: string,
  stream: NodeJS.ReadableStream,
  onOutput?: (text: string) => void,
): Promise<Array<Record<string, unknown>>> {
  const docker = await dockerode();
  return new Promise((resolve, reject) => {
    const events: Array<Record<string, unknown>> = [];
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        if (error) reject(engineError(operation, error));
        else if (failure) reject(new DockerEngineError(operation, `${lastLines(tailText(events), 20).join('\n')}\n${failure}`.trim()));
        else resolve(events);
      },
      (event: Record<string, unknown>) => {
        events.push(event);
        const errorDetail = event.errorDetail as { message?: string } | undefined;
        if (event.error || errorDetail) failure = String(errorDetail?.message ?? event.error);
        const text = typeof event.stream === 'string' ? event.stream : typeof event.status === 'string' ? `${event.status}${event.progress ? ` ${event.progress}` : ''}\n` : '';
        if (text) onOutput?.(text);
      },
    );
  });
}

function tailText(events: ReadonlyArray<Record<string, unknown>>): string {
  return events.map((event) => (typeof event.stream === 'string' ? event.stream : '')).join('');
}

/** `repo` and `tag` of a reference such as `127.0.0.1:5000/sentiment/dashboard:abc` (tag defaults to latest). */
export function splitReference(reference: string): { repo: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) return { repo: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repo: reference, tag: 'latest' };
}

/**
 * `docker import <tar> <reference>`: a root filesystem tarball becomes an image (the engine's
 * image create from source). `changes` are Dockerfile instructions such as `LABEL k=v`.
 */
export async function importImage(tarPath: string, reference: string, options: { message?: string; changes?: readonly string[] } = {}): Promise<void> {
  const docker = await dockerode();
  const { repo, tag } = splitReference(reference);
  const operation = `import ${tarPath} as ${reference}`;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.importImage(tarPath, { repo, tag, message: options.message, changes: options.changes ? [...options.changes] : undefined });
  } catch (error) {
    throw engineError(operation, error);
  }
  await followProgress(operation, stream);
}

/**
 * `docker pull --platform <platform> <reference>` through testcontainers (its registry auth
 * lookup included), within a time limit; rejects with the engine's reason.
 */
export async function pullImage(reference: string, options: { platform?: string; timeoutMs?: number } = {}): Promise<void> {
  const client = await engine();
  const { ImageName } = await import('testcontainers');
  const operation = `pull ${reference}`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => reject(new DockerEngineError(operation, `timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    }
  });
  try {
    await Promise.race([client.image.pull(ImageName.fromString(reference), { force: true, platform: options.platform }), timeout]);
  } catch (error) {
    throw engineError(operation, error);
  } finally {
    if (timer) clearTimeout(timer);
  }
  // A failed pull can end its progress stream without an HTTP error.
  if (!(await imageExists(reference))) throw new DockerEngineError(operation, `the pull ended without ${reference} in the engine`);
}

/**
 * `docker create` + `docker export`: writes an image's filesystem to a tar file. The container
 * is created with an entrypoint that does not exist (so images without one work) and never runs.
 */
export async function exportImageFilesystem(reference: string, tarPath: string): Promise<void> {
  const docker = await dockerode();
  const operation = `export the filesystem of ${reference}`;
  let container: ReturnType<Dockerode['getContainer']>;
  try {
    refuseWhileShuttingDown(operation);
    container = await docker.createContainer({ Image: reference, Entrypoint: ['/inspect-never-runs'], Labels: ownerLabels() });
  } catch (error) {
    throw engineError(operation, error);
  }
  try {
    const stream = await container.export();
    await pipeline(stream, fs.createWriteStream(tarPath));
  } catch (error) {
    throw engineError(operation, error);
  } finally {
    await removeContainer(container.id).catch(() => undefined);
  }
}

/** `docker tag <source> <reference>`. */
export async function tagImage(source: string, reference: string): Promise<void> {
  const docker = await dockerode();
  const { repo, tag } = splitReference(reference);
  try {
    await docker.getImage(source).tag({ repo, tag });
  } catch (error) {
    throw engineError(`tag ${source} as ${reference}`, error);
  }
}

/**
 * `docker push <reference>`, with the credentials `docker login` stored for its registry
 * (~/.docker/config.json, credential helpers included), read the way testcontainers reads them.
 */
export async function pushImage(reference: string, onOutput?: (text: string) => void): Promise<void> {
  const docker = await dockerode();
  const { repo, tag } = splitReference(reference);
  const registry = repo.split('/')[0];
  const { getAuthConfig } = (await import('testcontainers/build/container-runtime/auth/get-auth-config')) as {
    getAuthConfig: (registry: string) => Promise<Record<string, unknown> | undefined>;
  };
  const authconfig = (await getAuthConfig(registry)) ?? {};
  const operation = `push ${reference}`;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.getImage(repo).push({ tag, authconfig });
  } catch (error) {
    throw engineError(operation, error);
  }
  await followProgress(operation, stream, onOutput);
}
