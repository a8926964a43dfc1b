/**
 * The one way the project starts a host process (pip, debootstrap, terraform, checkov, the
 * virtualenv's tools, our own CLIs in tests). Containers go through testcontainers instead
 * (harness/docker/). Every process gets: its output split into lines for a callback, a bounded
 * tail of those lines for the error message, an optional time limit, and on failure a
 * `ProcessError` naming the command, its exit code (or signal, or the time limit) and that tail.
 *
 * `runProcess` waits for the exit; `startProcess` hands back a running process for servers and
 * long-lived children whose callers own their lifecycle.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { LineSplitter, LineTail } from './output-tail';
import { onShutdown } from './shutdown';

export type OutputStream = 'stdout' | 'stderr';

export interface ProcessOptions {
  /** @default this process's working directory */
  readonly cwd?: string;
  /** The child's whole environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. @default stdin is closed at once */
  readonly input?: string | Buffer;
  /** Each non-blank output line as it comes, from either stream. @default none */
  readonly onLine?: (line: string, stream: OutputStream) => void;
  /** Each raw chunk as it comes (to echo a tool's output unchanged). @default none */
  readonly onOutput?: (chunk: Buffer, stream: OutputStream) => void;
  /** How many of the last lines the error message quotes. @default 30 */
  readonly tailLines?: number;
  /** Stop the child (SIGTERM, then SIGKILL after 5 s) after this many ms. @default no limit */
  readonly timeoutMs?: number;
  /** Keep the whole stdout and stderr for the result. @default true for runProcess, false for startProcess */
  readonly collect?: boolean;
  /** Stopped (SIGTERM) when the harness shuts down (Ctrl-C, SIGTERM). @default true */
  readonly stopOnShutdown?: boolean;
  /**
   * Write the output to this file instead of a pipe, read back every 500 ms (lines and tail work the
   * same). For servers: a pipe nobody drains (this process busy in a synchronous call) fills up and
   * blocks the child on its next write. The file is removed after the exit. @default a pipe
   */
  readonly logFile?: string;
  /** Own process group (so the caller can signal the child's children too). @default false */
  readonly detached?: boolean;
  /** How the error message names the command. @default `command args...` */
  readonly label?: string;
  /** The likely cause, appended to the error message (a function reads the tail, or why it could not start). @default none */
  readonly hint?: string | ((tail: readonly string[], startError?: Error) => string | undefined);
}

export interface ProcessExit {
  /** null when a signal (or the time limit) ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

export interface ProcessResult extends ProcessExit {
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  readonly output: string;
  /** The last `tailLines` output lines. */
  readonly tail: readonly string[];
  readonly durationMs: number;
}

/** A process that could not start, failed, or ran out of time: says which, with its last lines. */
export class ProcessError extends Error {
  /** The last output lines. */
  readonly tail: readonly string[];

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    /** What the process did; undefined when it could not start. */
    readonly result: ProcessResult | undefined,
    detail: { readonly label: string; readonly cwd?: string; readonly timeoutMs?: number; readonly hint?: string; readonly startError?: Error },
  ) {
    super(ProcessError.describe(result, result?.tail ?? [], detail));
    this.name = 'ProcessError';
    this.tail = result?.tail ?? [];
  }

  /** The exit code, or null when a signal, the time limit or a failed start ended it. */
  get exitCode(): number | null {
    return this.result?.exitCode ?? null;
  }

  private static describe(
    exit: ProcessExit | undefined,
    tail: readonly string[],
    detail: { label: string; cwd?: string; timeoutMs?: number; hint?: string; startError?: Error },
  ): string {
    const where = detail.cwd ? ` in ${detail.cwd}` : '';
    const what = !exit
      ? `Could not start ${detail.label}${where}: ${detail.startError?.message ?? 'unknown error'}.`
      : exit.timedOut
        ? `${detail.label} did not finish within ${detail.timeoutMs} ms${where}; stopped it.`
        : `${detail.label} failed (${exit.signal ? `signal ${exit.signal}` : `exit ${exit.exitCode}`})${where}.`;
    return [
      what,
      ...(tail.length > 0 ? ['  Last output:', ...tail.map((line) => `    ${line}`)] : []),
      ...(detail.hint ? [`  ${detail.hint}`] : []),
    ].join('\n');
  }
}

export interface RunningProcess {
  readonly pid: number | undefined;
  /** The Node child, for callers that manage a server's lifecycle (signals, stdio). */
  readonly child: ChildProcess;
  /** Resolves once the process exited and its output was read (never rejects; pipes a grandchild holds are left after 2 s). */
  readonly exited: Promise<ProcessExit>;
  /** Resolves with the result on exit 0; rejects with a ProcessError otherwise (or when it could not start). */
  readonly completed: Promise<ProcessResult>;
  /** The last output lines so far. */
  tail(): readonly string[];
  /** Everything written so far (empty unless `collect`), for callers that wait for a line to appear. */
  output(): { readonly stdout: string; readonly stderr: string };
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves on exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessExit>;
}

const DEFAULT_TAIL_LINES = 30;
const KILL_GRACE_MS = 5000;
/** How long output may still arrive after the exit (pipes a grandchild still holds are then left). */
const PIPE_DRAIN_MS = 2000;

/** Starts `command args` and returns at once; see `RunningProcess`. */
export function startProcess(command: string, args: readonly string[], options: ProcessOptions = {}): RunningProcess {
  const label = options.label ?? [command, ...args].join(' ');
  const started = Date.now();
  const tail = new LineTail(options.tailLines ?? DEFAULT_TAIL_LINES);
  const collected = { stdout: [] as Buffer[], stderr: [] as Buffer[], output: [] as Buffer[] };
  const splitters = { stdout: lineReader('stdout'), stderr: lineReader('stderr') };
  function lineReader(stream: OutputStream): LineSplitter {
    return new LineSplitter((line) => {
      tail.push(line);
      options.onLine?.(line, stream);
    });
  }
  const onChunk = (chunk: Buffer, stream: OutputStream): void => {
    if (options.collect) {
      collected[stream].push(chunk);
      collected.output.push(chunk);
    }
    splitters[stream].push(chunk);
    options.onOutput?.(chunk, stream);
  };

  const logFd = options.logFile === undefined ? undefined : fs.openSync(options.logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', logFd ?? 'pipe', logFd ?? 'pipe'],
      detached: options.detached,
    });
  } finally {
    if (logFd !== undefined) fs.closeSync(logFd);
  }
  const logFile = options.logFile === undefined ? undefined : followLogFile(options.logFile, (chunk) => onChunk(chunk, 'stdout'));
  const pipesRead = logFile ? Promise.resolve() : Promise.all((['stdout', 'stderr'] as const).map((stream) => new Promise<void>((resolve) => {
    const source = child[stream]!;
    source.on('data', (chunk: Buffer) => onChunk(chunk, stream));
    source.once('close', () => resolve());
  })));
  if (options.input !== undefined) {
    child.stdin!.on('error', () => undefined); // a child that exits without reading its input
    child.stdin!.end(options.input);
  }
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    void stop('SIGTERM', KILL_GRACE_MS);
  }, options.timeoutMs);
  const unregister = options.stopOnShutdown === false ? () => undefined : onShutdown(() => stop('SIGTERM', KILL_GRACE_MS));
  let startError: Error | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      startError = error;
      resolve({ exitCode: null, signal: null, timedOut: false });
    });
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal, timedOut }));
  }).then(async (exit) => {
    if (timer) clearTimeout(timer);
    unregister();
    // The rest of its output; a grandchild that inherited the pipes may hold them open, so not forever.
    if (!startError) await Promise.race([pipesRead, new Promise((resolve) => setTimeout(resolve, PIPE_DRAIN_MS).unref())]);
    logFile?.finish();
    splitters.stdout.end();
    splitters.stderr.end();
    return exit;
  });

  function stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = KILL_GRACE_MS): Promise<ProcessExit> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      killer.unref();
      void exited.then(() => clearTimeout(killer));
    }
    return exited;
  }

  const completed = exited.then((exit): ProcessResult => {
    const result: ProcessResult = {
      ...exit,
      stdout: Buffer.concat(collected.stdout).toString(),
      stderr: Buffer.concat(collected.stderr).toString(),
      output: Buffer.concat(collected.output).toString(),
      tail: tail.lines(),
      durationMs: Date.now() - started,
    };
    if (exit.exitCode === 0 && !startError) return result;
    const hint = typeof options.hint === 'function' ? options.hint(result.tail, startError) : options.hint;
    const detail = { label, cwd: options.cwd, timeoutMs: options.timeoutMs, hint, startError };
    throw new ProcessError(command, args, startError ? undefined : result, detail);
  });
  completed.catch(() => undefined); // a caller that only awaits `exited` must not see an unhandled rejection
  const output = () => ({ stdout: Buffer.concat(collected.stdout).toString(), stderr: Buffer.concat(collected.stderr).toString() });
  return { pid: child.pid, child, exited, completed, tail: () => tail.lines(), output, stop };
}

/** Runs `command args` to its end; resolves with its output on exit 0, rejects with a ProcessError otherwise. */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return startProcess(command, args, { collect: true, ...options }).completed;
}

/** Like runProcess, but a non-zero exit resolves too (the caller judges the exit code); a failed start still rejects. */
export async function runProcessAllowingFailure(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  try {
    return await runProcess(command, args, options);
  } catch (error) {
    if (error instanceof ProcessError && error.result) return error.result;
    throw error;
  }
}

/**
 * Runs `command args` and blocks until it exits, output discarded; true on exit 0. Only for
 * `process.on('exit')` hooks, where no callback runs any more (unmounting what is still mounted).
 */
export function runProcessInExitHook(command: string, args: readonly string[]): boolean {
  return spawnSync(command, [...args], { stdio: 'ignore' }).status === 0;
}

/** Reads what is appended to `file` every 500 ms; `finish()` reads the rest and removes the file. */
function followLogFile(file: string, onChunk: (chunk: Buffer) => void): { finish(): void } {
  let offset = 0;
  const drain = (): void => {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return;
    }
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, offset)) > 0; offset += read) {
        onChunk(Buffer.from(buffer.subarray(0, read)));
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const timer = setInterval(drain, 500);
  timer.unref();
  return {
    finish: () => {
      clearInterval(timer);
      drain();
      fs.rmSync(file, { force: true });
    },
  };
}
