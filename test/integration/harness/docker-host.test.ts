// The engine is found the testcontainers way: DOCKER_HOST is honoured, tcp:// included. The shared
// engine listens on its unix socket only, so a plain TCP relay (node's net module, bytes in both
// directions) stands in for an engine started with `-H tcp://`: the harness speaks HTTP over TCP
// to it, and the relay counts the connections to prove the traffic went that way.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { VerifyReport } from '../../../harness/suite/check-result';
import { REPO, runCli } from './run-cli';

const ENGINE_SOCKET = '/var/run/docker.sock';

function tcpRelayToEngine(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let connections = 0;
  const server = net.createServer((client) => {
    connections += 1;
    const engine = net.connect(ENGINE_SOCKET);
    client.pipe(engine).pipe(client);
    const end = (): void => {
      client.destroy();
      engine.destroy();
    };
    client.on('error', end);
    engine.on('error', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => server.close(),
  })));
}

/** A loopback port nothing listens on (bound once, then released). */
function closedPort(): Promise<number> {
  const server = net.createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  }));
}

beforeAll(async () => {
  await ensureDockerEngine();
  expect(fs.existsSync(ENGINE_SOCKET)).toBe(true);
});

test('DOCKER_HOST=tcp://127.0.0.1:<port>: the harness reads an image through that engine endpoint', async () => {
  const relay = await tcpRelayToEngine();
  try {
    const result = await runCli('inspect.ts', ['lambda-standin/python:3.13', '--json'], { DOCKER_HOST: `tcp://127.0.0.1:${relay.port}` });
    const report = JSON.parse(result.stdout) as { target: string; verdicts: Array<{ rule: string; level: string }> };
    expect(report.target).toBe('lambda-standin/python:3.13');
    // The filesystem was exported through the engine: the image's own ELF files were judged.
    expect(report.verdicts.find((verdict) => verdict.rule === 'elf-machine')?.level).toBe('pass');
    expect(relay.connections()).toBeGreaterThan(0);
  } finally {
    relay.close();
  }
});

test('DOCKER_HOST pointing at a dead tcp endpoint: a clear error that names it, not a silent fallback to the local socket', async () => {
  const port = await closedPort();
  const result = await runCli('verify.ts', ['dashboard'], { DOCKER_HOST: `tcp://127.0.0.1:${port}` });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Error [ENVIRONMENT_UNAVAILABLE]: No Docker engine is reachable');
  const report = JSON.parse(fs.readFileSync(path.join(REPO, 'reports', 'verify.json'), 'utf8')) as VerifyReport;
  expect(report).toMatchObject({ passed: false, failureCodes: ['ENVIRONMENT_UNAVAILABLE'], functions: [], stoppedBy: { code: 'ENVIRONMENT_UNAVAILABLE' } });
  expect(result.stderr).toContain(`DOCKER_HOST=tcp://127.0.0.1:${port}`);
  expect(result.stderr).toContain('ECONNREFUSED');
  expect(result.stderr).not.toContain('[build');
});
