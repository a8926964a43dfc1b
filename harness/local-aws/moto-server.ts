/**
 * The local AWS API server: a real moto server (DynamoDB, SNS, S3, Secrets Manager, ...) in the
 * project's virtualenv, on loopback. Functions reach it through `AWS_ENDPOINT_URL`.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { recordHelperProcess } from '../lifecycle/helper-processes';
import { ShuttingDownError, isShuttingDown } from '../process/shutdown';
import { ensurePythonVenv, venvBin, venvHas } from '../build/python-venv';
import { startProcess } from '../process/run-process';
import { LOCAL_AWS_ENV } from '../../model/local-aws-account';

export interface MotoServerOptions {
  /** TCP port on 127.0.0.1. @default a free port chosen by the OS */
  readonly port?: number;
  /** Receives the server's log lines (request log, errors). @default discarded */
  readonly log?: (line: string) => void;
  /** How long to wait for the server to answer. @default 60000 */
  readonly startTimeoutMs?: number;
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the server (for reports). */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}


/** Starts `moto_server -H 127.0.0.1 -p <port>` and resolves once it answers HTTP. */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)) {
    throw new Error(`startMotoServer: port must be an integer from 1 to 65535, got ${options.port}.`);
  }
  if (!venvHas('moto_server')) {
    options.log?.('moto_server not found in .work/venv: running scripts/setup-python.sh');
    await ensurePythonVenv({ log: options.log });
  }
  const port = options.port ?? (await freePort());
  if (!(await portIsFree(port))) {
    throw new Error(
      `Cannot start the moto server on 127.0.0.1:${port}: the port is in use. ` +
        'Stop whatever listens there (a moto server left running? `ss -ltnp | grep :' +
        port +
        '`) or omit the port to get a free one.',
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;
  if (isShuttingDown()) throw new ShuttingDownError('the moto server');
  // The server logs every request. Into a file, not a pipe: a pipe nobody drains (this process
  // busy in a synchronous call) fills up and blocks moto on its next log line, and with it every
  // AWS call of the run. The file is read back on a timer.
  const server = startProcess(venvBin('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...LOCAL_AWS_ENV, PYTHONUNBUFFERED: '1' },
    logFile: path.join(os.tmpdir(), `sentiment-moto-${process.pid}-${port}.log`),
    onLine: (line) => options.log?.(line),
    tailLines: 30,
    // Ctrl-C or SIGTERM at any moment (even while it is starting) stops it: stopOnShutdown's default.
  });
  const child = server.child;
  const exited = server.exited;
  // A pid file names this process as its owner: if we die by kill -9, the next start kills it.
  const forgetPid = server.pid ? recordHelperProcess({ kind: 'moto', pid: server.pid, commandMatch: 'moto_server', port }) : () => undefined;
  void exited.then(forgetPid);
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const output = (): string[] => server.tail().map((line) => `    ${line}`);

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await answers(endpoint))) {
    if (hasExited || child.exitCode !== null) {
      await exited;
      throw new Error(
        [
          `The moto server exited (code ${child.exitCode}) before answering on ${endpoint}.`,
          '  Its output:',
          ...output(),
          '  Likely cause: a broken .work/venv (re-run scripts/setup-python.sh) or the port taken meanwhile.',
        ].join('\n'),
      );
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        [
          `The moto server did not answer on ${endpoint} within ${options.startTimeoutMs ?? 60_000} ms; stopped it.`,
          '  Its output:',
          ...output(),
        ].join('\n'),
      );
    }
    await sleep(150);
  }

  // If this process exits without stop() (an uncaught error, process.exit), do not leave the
  // server behind holding its port.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    stop: () =>
      (stopping ??= server.stop().then(() => undefined).finally(() => process.removeListener('exit', killOnExit))),
  };
}

/** Any HTTP answer counts: moto's dashboard path answers 200 once the server is up. */
function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${endpoint}/moto-api/`, { timeout: 1000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** A port the OS reports free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
