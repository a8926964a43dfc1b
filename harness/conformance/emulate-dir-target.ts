/**
 * The conformance fixture served by `npm run emulate -- --dir <fixture>` (its own process, as a
 * user runs it), read from its READY line; stopped with SIGINT like Ctrl-C.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../lambdas/catalog';
import { ConformanceTarget } from './conformance-runner';
import { CONFORMANCE_FIXTURE, CONFORMANCE_FIXTURE_DIR } from './conformance-fixture';

export interface EmulateDirTarget {
  readonly target: ConformanceTarget;
  stop(): Promise<void>;
}

export interface StartEmulateDirProps {
  /** `--base` of emulate. @default its own default */
  readonly base?: string;
  /** emulate's output lines (its stderr and stdout). @default discarded */
  readonly log?: (line: string) => void;
}

export async function startEmulateDirTarget(props: StartEmulateDirProps = {}): Promise<EmulateDirTarget> {
  const args = [
    '--import', 'tsx', path.join(REPO_ROOT, 'harness', 'cli', 'emulate.ts'),
    '--dir', CONFORMANCE_FIXTURE_DIR, '--handler', CONFORMANCE_FIXTURE.handler,
    '--memory', String(CONFORMANCE_FIXTURE.memoryMb), '--timeout', String(CONFORMANCE_FIXTURE.timeoutSeconds),
    '--port', '0', '--url-port', '0', ...(props.base ? ['--base', props.base] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const tail: string[] = [];
  const ready = new Promise<{ function: string; invokeUrl: string; functionUrl: string }>((resolve, reject) => {
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 60) tail.shift();
      props.log?.(line);
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)));
    };
    lines(child, 'stdout', onLine);
    lines(child, 'stderr', onLine);
    void exited.then((code) => reject(new Error(`npm run emulate -- --dir ${CONFORMANCE_FIXTURE_DIR} exited (${code}) before serving:\n${tail.join('\n')}`)));
  });
  let served: { function: string; invokeUrl: string; functionUrl: string };
  try {
    served = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    target: {
      engine: 'emulator',
      invokeUrl: served.invokeUrl,
      functionUrl: served.functionUrl,
      fixture: { functionName: served.function, ...CONFORMANCE_FIXTURE },
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

function lines(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  let partial = '';
  child[stream]!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    parts.forEach(onLine);
  });
}
