/**
 * Every container the harness starts: a testcontainers GenericContainer that carries the harness
 * label, never pulls (no registry is reachable; images are built locally), and adds the two
 * sandbox settings GenericContainer has no builder for (read-only root, swap-less memory limit).
 * `runToCompletion` is the `docker run --rm` of one-off helper containers (builds, import smoke).
 *
 * The builder collects settings and loads testcontainers (a large module graph) at start, so a
 * CLI that finds no engine says so without paying for that import.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import { OutputTail, lastLines } from '../process/output-tail';
import { DockerEngineError, dockerode, engine, engineError, engineInfo, imageExists, ownerLabels, refuseWhileShuttingDown, removeContainer } from './engine';
import { isShuttingDown, onShutdown, ShuttingDownError } from '../process/shutdown';

/**
 * Containers the engine is creating right now. A shutdown waits for them (at most a while) before
 * the engine's last cleanup lists this process's containers, so a Ctrl-C during a start cannot
 * leave one behind (registered after engine.ts's cleanup, so it runs before it).
 */
const startsInFlight = new Set<Promise<unknown>>();
const START_WAIT_ON_SHUTDOWN_MS = 20_000;
onShutdown(async () => {
  if (startsInFlight.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled([...startsInFlight]), new Promise((resolve) => (timer = setTimeout(resolve, START_WAIT_ON_SHUTDOWN_MS)))]);
  clearTimeout(timer);
});

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly mode: 'ro' | 'rw';
}

export class HarnessContainer {
  /** The container's name: a failed start leaves a created container, removed by this name. */
  readonly name: string;
  /** The harness label and this process as owner (reaped if it dies: harness/lifecycle/reap.ts). */
  private readonly labels: Record<string, string> = ownerLabels();
  private readonly environment: Record<string, string> = {};
  private readonly tmpfs: Record<string, string> = {};
  private readonly binds: BindMount[] = [];
  private readonly hostConfig: Record<string, unknown> = {};
  private networkMode: string | undefined;
  private user: string | undefined;
  private entrypoint: string[] | undefined;
  private command: string[] | undefined;
  private workingDir: string | undefined;

  /** @param purpose a word for the name, e.g. `zip-build` (names are `sentiment-<purpose>-<random>`) */
  constructor(readonly image: string, purpose = 'helper') {
    this.name = `sentiment-${purpose.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`;
  }

  withLabels(labels: Readonly<Record<string, string>>): this {
    Object.assign(this.labels, labels);
    return this;
  }

  withEnvironment(environment: Readonly<Record<string, string>>): this {
    Object.assign(this.environment, environment);
    return this;
  }

  /** `--network <mode>`; the harness uses `host` (test traffic on loopback) and `none`. */
  withNetworkMode(mode: string): this {
    this.networkMode = mode;
    return this;
  }

  /** `--tmpfs <path>:<options>`. */
  withTmpFs(tmpfs: Readonly<Record<string, string>>): this {
    Object.assign(this.tmpfs, tmpfs);
    return this;
  }

  withBindMounts(binds: readonly BindMount[]): this {
    this.binds.push(...binds);
    return this;
  }

  withUser(user: string): this {
    this.user = user;
    return this;
  }

  withEntrypoint(entrypoint: readonly string[]): this {
    this.entrypoint = [...entrypoint];
    return this;
  }

  /** Arguments after the entrypoint (the image's CMD when never called). */
  withCommand(command: readonly string[]): this {
    this.command = [...command];
    return this;
  }

  withWorkingDir(dir: string): this {
    this.workingDir = dir;
    return this;
  }

  /** `--read-only`: only mounts and tmpfs are writable, as in Lambda. */
  withReadOnlyRootFilesystem(): this {
    this.hostConfig.ReadonlyRootfs = true;
    return this;
  }

  /** Hard memory limit with no swap on top (Lambda has none). */
  withMemoryLimitMb(memoryMb: number): this {
    this.hostConfig.Memory = memoryMb * 1024 * 1024;
    this.hostConfig.MemorySwap = memoryMb * 1024 * 1024;
    return this;
  }

  /** `--cpus`: CPU time as a fraction of cores. */
  withCpus(cpus: number): this {
    this.hostConfig.NanoCpus = Math.round(cpus * 1e9);
    return this;
  }

  /** Starts it; a missing image fails with what to do instead of a registry error. */
  async start(): Promise<StartedTestContainer> {
    refuseWhileShuttingDown(`a container from ${this.image}`);
    const starting = this.startOnce();
    startsInFlight.add(starting);
    try {
      const started = await starting;
      // A shutdown that began while the engine was creating it: its cleanup may have listed the
      // containers before this one existed, so this one goes now, and nothing goes on to use it.
      if (isShuttingDown()) {
        await removeContainer(started.getId()).catch(() => undefined);
        throw new ShuttingDownError(`a container from ${this.image}`);
      }
      return started;
    } finally {
      startsInFlight.delete(starting);
    }
  }

  private async startOnce(): Promise<StartedTestContainer> {
    await engineInfo(); // finds the engine and decides on the reaper before testcontainers does
    const container = await this.genericContainer();
    try {
      return await container.start();
    } catch (error) {
      await removeContainer(this.name).catch(() => undefined);
      if (!(await imageExists(this.image).catch(() => true))) {
        throw new DockerEngineError(`start a container from ${this.image}`,
          `No such image: ${this.image}. No registry is reachable here: build it locally (runtime bases: \`npm run images\`), or check the tag.`, 404);
      }
      throw engineError(`start a container from ${this.image}`, error);
    }
  }

  private async genericContainer(): Promise<GenericContainer> {
    const Sandbox = await sandboxClass();
    const container = new Sandbox(this.image, this.hostConfig)
      .withName(this.name)
      .withLabels(this.labels)
      .withEnvironment(this.environment)
      .withTmpFs(this.tmpfs)
      .withBindMounts(this.binds.map((bind) => ({ ...bind })));
    if (this.networkMode) container.withNetworkMode(this.networkMode);
    if (this.user) container.withUser(this.user);
    if (this.entrypoint) container.withEntrypoint(this.entrypoint);
    if (this.command) container.withCommand(this.command);
    if (this.workingDir) container.withWorkingDir(this.workingDir);
    return container;
  }
}

type SandboxContainerClass = new (image: string, hostConfig: Readonly<Record<string, unknown>>) => GenericContainer;
let sandbox: Promise<SandboxContainerClass> | undefined;

/** GenericContainer plus host settings it has no builder for (its hostConfig is protected). */
function sandboxClass(): Promise<SandboxContainerClass> {
  sandbox ??= import('testcontainers').then(({ GenericContainer }) => class SandboxContainer extends GenericContainer {
    constructor(image: string, hostConfig: Readonly<Record<string, unknown>>) {
      super(image);
      Object.assign(this.hostConfig, hostConfig);
    }
  });
  return sandbox;
}

/** A one-off container exited non-zero (or was killed at its time limit: exitCode null). */
export class ContainerExitError extends Error {
  constructor(
    readonly image: string,
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`container from ${image} ${exitCode === null ? 'was killed at its time limit' : `exited ${exitCode}`}: ${lastLines(stderr || stdout, 20).join('\n')}`);
    this.name = 'ContainerExitError';
  }
}

export interface ContainerRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunToCompletionOptions {
  /** Kill the container after this many ms. @default no limit */
  readonly timeoutMs?: number;
  /** Each chunk of output as it comes (stdout and stderr), for progress on long steps. @default none */
  readonly onOutput?: (chunk: string) => void;
  /** Keep only the last this-many bytes of each stream. @default everything */
  readonly keepOutputBytes?: number;
}

/** Starts the container, collects its output until it exits, removes it; rejects on a non-zero exit. */
export async function runToCompletion(container: HarnessContainer, options: RunToCompletionOptions = {}): Promise<ContainerRun> {
  const started = await container.start();
  const id = started.getId();
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    void removeContainer(id).catch(() => undefined);
  }, options.timeoutMs);
  try {
    const output = await demuxedLogs(id, options);
    const exitCode = await waitForExit(id);
    await output.ended;
    const stdout = output.stdout.text();
    const stderr = output.stderr.text();
    if (timedOut) throw new ContainerExitError(container.image, null, stdout, stderr);
    if (exitCode !== 0) throw new ContainerExitError(container.image, exitCode, stdout, stderr);
    return { exitCode, stdout, stderr };
  } finally {
    if (timer) clearTimeout(timer);
    await removeContainer(id).catch(() => undefined);
  }
}

/** The container's exit code once it stops (137 when removed by force, like `docker rm -f`). */
export async function waitForExit(id: string): Promise<number> {
  const docker = await dockerode();
  try {
    const result = (await docker.getContainer(id).wait()) as { StatusCode: number };
    return result.StatusCode;
  } catch (error) {
    // Removed before we asked: it was killed.
    if ((error as { statusCode?: number }).statusCode === 404) return 137;
    throw engineError(`wait for container ${id}`, error);
  }
}

export interface DemuxedLogs {
  readonly stdout: OutputTail;
  readonly stderr: OutputTail;
  /** Resolves when the engine closed the log stream (the container exited). */
  readonly ended: Promise<void>;
}

/** Follows the container's stdout and stderr from its start, separately. */
export async function demuxedLogs(id: string, options: Pick<RunToCompletionOptions, 'onOutput' | 'keepOutputBytes'> = {}): Promise<DemuxedLogs> {
  const docker = await dockerode();
  const raw = (await docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
  const stdout = new OutputTail(options.keepOutputBytes);
  const stderr = new OutputTail(options.keepOutputBytes);
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    options.onOutput?.(chunk.toString());
  });
  err.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    options.onOutput?.(chunk.toString());
  });
  docker.modem.demuxStream(raw, out, err);
  const ended = new Promise<void>((resolve) => {
    raw.on('end', resolve);
    raw.on('close', resolve);
    raw.on('error', () => resolve());
  });
  return { stdout, stderr, ended };
}

/** Runs a command in a running container (`docker exec`), through testcontainers' client. */
export async function execIn(id: string, command: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const client = await engine();
  const result = await client.container.exec(client.container.getById(id), command);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
