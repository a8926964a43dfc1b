/**
 * The local AWS API server: a real moto server (DynamoDB, SNS, S3, Secrets Manager, ...) in the
 * project's virtualenv, on loopback. Functions reach it through `AWS_ENDPOINT_URL`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { recordHelperProcess } from '../lifecycle/helper-processes';
import { onShutdown, ShuttingDownError, isShuttingDown } from '../lifecycle/shutdown';
import { ensurePythonVenv, venvBin, venvHas } from './python-venv';

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

/** Credentials and region moto accepts; real AWS would refuse them, which is the point. */
export const LOCAL_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
};

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
  const child = spawn(venvBin('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...LOCAL_AWS_ENV, PYTHONUNBUFFERED: '1' },
  });
  const recent: string[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 30) recent.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A pid file names this process as its owner: if we die by kill -9, the next start kills it.
  const forgetPid = child.pid ? recordHelperProcess({ kind: 'moto', pid: child.pid, commandMatch: 'moto_server', port }) : () => undefined;
  void exited.then(forgetPid);
  // Ctrl-C or SIGTERM at any moment (even while it is starting) stops it.
  const unregister = onShutdown(() => killAndWait(child, exited));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  void exited.then(unregister);
  while (!(await answers(endpoint))) {
    if (exitCode !== undefined || child.exitCode !== null) {
      throw new Error(
        [
          `The moto server exited (code ${child.exitCode}) before answering on ${endpoint}.`,
          '  Its output:',
          ...recent.map((line) => `    ${line}`),
          '  Likely cause: a broken .work/venv (re-run scripts/setup-python.sh) or the port taken meanwhile.',
        ].join('\n'),
      );
    }
    if (Date.now() > deadline) {
      await killAndWait(child, exited);
      throw new Error(
        [
          `The moto server did not answer on ${endpoint} within ${options.startTimeoutMs ?? 60_000} ms; stopped it.`,
          '  Its output:',
          ...recent.map((line) => `    ${line}`),
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
      (stopping ??= killAndWait(child, exited).finally(() => process.removeListener('exit', killOnExit))),
  };
}

async function killAndWait(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
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
