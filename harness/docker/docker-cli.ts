/**
 * A thin, promise-based wrapper over the `docker` CLI. We drive the real engine through the
 * same client a user has, so what works here works in their shell too.
 */
import { spawn } from 'node:child_process';
import { OutputTail } from './output-tail';
import { DockerUnavailableError } from './engine';

export { DockerUnavailableError, HARNESS_LABEL, ensureDockerEngine } from './engine';

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
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      env: { ...process.env, DOCKER_BUILDKIT: '0', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
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
    child.stdin.end(options.input ?? '');
  });
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

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
