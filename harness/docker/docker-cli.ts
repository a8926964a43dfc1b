/**
 * A thin, promise-based wrapper over the `docker` CLI. We drive the real engine through the
 * same client a user has, so what works here works in their shell too.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { HARNESS_LABEL, OWNER_LABEL, ownerId, ownerLabelArgs } from '../lifecycle/owner';
import { isShuttingDown, onShutdown, ShuttingDownError } from '../lifecycle/shutdown';
import { OutputTail } from './output-tail';

/** Subcommands that start something: refused while shutting down; run/create get the owner labels. */
const STARTING = new Set(['run', 'create', 'build', 'pull', 'exec', 'start']);
const running = new Set<ChildProcess>();

// Registered first, so it runs last: after every other cleanup, end the docker commands still
// running and remove every container this process owns.
onShutdown(async () => {
  for (const child of running) child.kill('SIGTERM');
  await removeOwnedContainers();
});

export class DockerUnavailableError extends Error {
  constructor(detail: string) {
    super(
      [
        'No Docker engine is reachable, and the harness builds and boots every function in containers.',
        `  docker said: ${detail.trim() || '(nothing)'}`,
        '  Start one, then retry:',
        '    - Linux with systemd:  sudo systemctl start docker',
        '    - Linux without it:    sudo dockerd > /tmp/dockerd.log 2>&1 &   (Debian: sudo apt-get install docker.io)',
        '    - macOS / Windows:     start Docker Desktop',
        '  Check with: docker info',
      ].join('\n'),
    );
    this.name = 'DockerUnavailableError';
  }
}

export class DockerCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`docker ${args.join(' ')} failed (exit ${exitCode}): ${lastLines(stderr || stdout, 20)}`);
    this.name = 'DockerCommandError';
  }
}

export interface DockerRunOptions {
  /** Text written to the command's stdin. @default none */
  readonly input?: string | Buffer;
  /** Kill the command after this many ms. @default no limit */
  readonly timeoutMs?: number;
  /** Called with each chunk of output, for progress on long steps. @default none */
  readonly onOutput?: (chunk: string) => void;
  /** Extra environment for the CLI process. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Keep only the last this-many bytes of each stream for the result (long-lived commands such
   * as a function container's `docker run` stream through onOutput instead). @default everything
   */
  readonly keepOutputBytes?: number;
}

export interface DockerResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `docker <args>`; rejects with DockerCommandError on a non-zero exit. */
export function docker(args: readonly string[], options: DockerRunOptions = {}): Promise<DockerResult> {
  if (STARTING.has(args[0]) && isShuttingDown()) return Promise.reject(new ShuttingDownError(`docker ${args[0]}`));
  // Every container carries its owner, so a later start can reap it if this process dies.
  if (args[0] === 'run' || args[0] === 'create') args = [args[0], ...ownerLabelArgs(), ...args.slice(1)];
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      env: { ...process.env, DOCKER_BUILDKIT: '0', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.add(child);
    child.once('close', () => running.delete(child));
    const out = new OutputTail(options.keepOutputBytes);
    const err = new OutputTail(options.keepOutputBytes);
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    }
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      options.onOutput?.(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      options.onOutput?.(chunk.toString());
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(new DockerUnavailableError('the `docker` command is not installed'));
      } else {
        reject(error);
      }
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const stdout = out.text();
      const stderr = err.text();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new DockerCommandError(args, code, stdout, stderr));
    });
    // A docker command that never reads stdin may exit first: EPIPE there is not a failure
    // (the exit code above decides), and unhandled it would crash the process.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Throws DockerUnavailableError within seconds when no engine answers. */
export async function ensureDockerEngine(timeoutMs = 8000): Promise<void> {
  try {
    await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs });
  } catch (error) {
    if (error instanceof DockerUnavailableError) throw error;
    const detail = error instanceof DockerCommandError ? error.stderr || 'no answer' : String(error);
    throw new DockerUnavailableError(detail.includes('\n') ? lastLines(detail, 3) : detail);
  }
}

/** True when an image with this reference exists in the local engine. */
export async function imageExists(reference: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', '--format', '{{.Id}}', reference]);
    return true;
  } catch (error) {
    if (error instanceof DockerCommandError) return false;
    throw error;
  }
}

/** `sha256:...` id of a local image. */
export async function imageId(reference: string): Promise<string> {
  const { stdout } = await docker(['image', 'inspect', '--format', '{{.Id}}', reference]);
  return stdout.trim();
}

/** The label every container and image the harness creates carries, so cleanup finds them. */
export { HARNESS_LABEL };

/** Removes every container (running or not) this process owns. */
export async function removeOwnedContainers(owner = ownerId()): Promise<number> {
  const { stdout } = await docker(['ps', '-aq', '--filter', `label=${OWNER_LABEL}=${owner}`]).catch(() => ({ stdout: '' }));
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', ...ids]).catch(() => undefined);
  return ids.length;
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
