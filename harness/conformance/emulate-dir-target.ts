/**
 * The conformance fixture served by `npm run emulate -- --dir <fixture> [--engine rie]` (its own
 * process, as a user runs it), read from its READY line; stopped with SIGINT like Ctrl-C.
 *
 * Under RIE the invoke cases go to RIE's own invoke endpoint (what `sam local` and the official
 * images' users call), so the column measures RIE and not our invoke endpoint in front of it;
 * the Function URL cases go through our Function URL front on top of RIE (RIE has none).
 */
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { startProcess } from '../process/run-process';
import { EngineName } from '../pipeline/served-function';
import { ConformanceTarget } from './conformance-runner';
import { CONFORMANCE_FIXTURE, CONFORMANCE_FIXTURE_DIR } from './conformance-fixture';

export interface EmulateDirTarget {
  readonly target: ConformanceTarget;
  stop(): Promise<void>;
}

export interface StartEmulateDirProps {
  /** `--base` of emulate. @default its own default */
  readonly base?: string;
  /** `--engine` of emulate. @default 'emulator' */
  readonly engine?: EngineName;
  /** emulate's output lines (its stderr and stdout). @default discarded */
  readonly log?: (line: string) => void;
}

export async function startEmulateDirTarget(props: StartEmulateDirProps = {}): Promise<EmulateDirTarget> {
  const engine = props.engine ?? 'emulator';
  const args = [
    '--import', 'tsx', path.join(REPO_ROOT, 'harness', 'cli', 'emulate.ts'),
    '--dir', CONFORMANCE_FIXTURE_DIR, '--handler', CONFORMANCE_FIXTURE.handler,
    '--memory', String(CONFORMANCE_FIXTURE.memoryMb), '--timeout', String(CONFORMANCE_FIXTURE.timeoutSeconds),
    '--port', '0', '--url-port', '0', '--engine', engine, ...(props.base ? ['--base', props.base] : []),
  ];
  let announceReady: (line: ReadyLine) => void = () => undefined;
  const readyLine = new Promise<ReadyLine>((resolve) => (announceReady = resolve));
  const emulate = startProcess(process.execPath, args, {
    cwd: REPO_ROOT,
    label: `npm run emulate -- --dir ${CONFORMANCE_FIXTURE_DIR} --engine ${engine}`,
    tailLines: 60,
    onLine: (line) => {
      props.log?.(line);
      if (line.startsWith('READY ')) announceReady(JSON.parse(line.slice(6)) as ReadyLine);
    },
  });
  const ready = Promise.race([
    readyLine,
    emulate.exited.then((exit): never => {
      throw new Error(`npm run emulate -- --dir ${CONFORMANCE_FIXTURE_DIR} --engine ${engine} exited (${exit.exitCode ?? exit.signal}) before serving:\n${emulate.tail().join('\n')}`);
    }),
  ]);
  let served: ReadyLine;
  try {
    served = await ready;
  } catch (error) {
    await emulate.stop('SIGKILL');
    throw error;
  }
  if (engine === 'rie' && !served.rieInvokeUrl) {
    await emulate.stop('SIGINT');
    throw new Error("emulate --engine rie printed no rieInvokeUrl in its READY line: RIE's own invoke endpoint is what the RIE column measures.");
  }
  return {
    target: {
      engine,
      invokeUrl: served.rieInvokeUrl ?? served.invokeUrl,
      functionUrl: served.functionUrl,
      fixture: { functionName: served.function, ...CONFORMANCE_FIXTURE },
    },
    stop: async () => {
      await emulate.stop('SIGINT');
    },
  };
}

/** What emulate prints after `READY ` (rieInvokeUrl only under `--engine rie`). */
interface ReadyLine {
  readonly function: string;
  readonly invokeUrl: string;
  readonly functionUrl: string;
  readonly rieInvokeUrl?: string;
}
