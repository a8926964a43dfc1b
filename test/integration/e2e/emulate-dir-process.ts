/**
 * Runs `emulate --dir` on a tiny function as a real child process (as `npm run emulate` starts
 * it, or through npm itself), waits for its READY line and tells what it left behind.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { dockerode } from '../../../harness/docker/engine';
import { OWNER_LABEL } from '../../../harness/docker/owner';
import { REPO } from '../harness/run-cli';
import { startProcess } from '../../../harness/process/run-process';

export interface Ready {
  readonly function: string;
  readonly invokeUrl: string;
  readonly functionUrl: string;
  readonly verified: boolean;
  readonly pid: number;
}

export interface EmulateProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** Resolves when stderr or stdout matches (rejects if the process exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  ready(): Promise<Ready>;
}

/** A function directory with one tiny handler that echoes its event and client context. */
export function tinyFunctionDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-robustness-fn-'));
  fs.writeFileSync(path.join(dir, 'handler.py'), [
    'def lambda_handler(event, context):',
    '    custom = context.client_context.custom if context.client_context else None',
    '    return {"event": event, "custom": custom}',
  ].join('\n'));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export function startEmulate(args: readonly string[], options: { viaNpm?: boolean; env?: Record<string, string> } = {}): EmulateProcess {
  const command = options.viaNpm ? 'npm' : process.execPath;
  const argv = options.viaNpm
    ? ['run', '--silent', 'emulate', '--', ...args]
    : ['--import', 'tsx', path.join(REPO, 'harness', 'cli', 'emulate.ts'), ...args];
  // Its own process group, like a terminal's foreground job (Ctrl-C signals the whole group).
  const emulate = startProcess(command, argv, { cwd: REPO, env: { ...process.env, ...options.env }, detached: true, collect: true, stopOnShutdown: false });
  const child = emulate.child;
  const exited = emulate.exited.then(({ exitCode, signal }) => exitCode ?? (signal ? -1 : null));
  const waitFor = async (pattern: RegExp, timeoutMs = 5 * 60_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { stdout, stderr } = emulate.output();
      const match = pattern.exec(stdout) ?? pattern.exec(stderr);
      if (match) return match;
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`emulate never printed ${pattern} (exit ${child.exitCode ?? child.signalCode}).\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    child,
    exited,
    output: emulate.output,
    waitFor,
    ready: async () => JSON.parse((await waitFor(/^READY (\{.*\})$/m))[1]) as Ready,
  };
}

/** Containers (running or not) whose owner label names this pid. */
export async function containersOwnedBy(pid: number): Promise<string[]> {
  const listed = await (await dockerode()).listContainers({ all: true, filters: JSON.stringify({ label: [OWNER_LABEL] }) });
  return listed.filter((c) => c.Labels[OWNER_LABEL]?.startsWith(`${pid}-`)).map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ''));
}

export function processRuns(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Kills the whole group if a test left it running. */
export function killGroup(processes: readonly (EmulateProcess | undefined)[]): void {
  for (const entry of processes) {
    const pid = entry?.child.pid;
    if (pid && entry!.child.exitCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
