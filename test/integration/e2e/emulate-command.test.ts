// `npm run emulate` as a newcomer runs it: serves the analyzer, prints the dashboard URL, and
// on Ctrl-C (SIGINT) leaves no function container and no local AWS server behind.
// NewsAPI is the harness's mock (a third party); everything else is real.
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { request } from 'undici';
import { containersOwnedBy } from './emulate-dir-process';
import { REPO } from '../harness/run-cli';


function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run emulate (NewsAPI mocked)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  test('prints the dashboard URL, shows live metrics after one ingestion, and Ctrl-C stops everything', async () => {
    // Its own process group, like a terminal's foreground job: Ctrl-C signals the whole group.
    child = spawn(process.execPath,
      ['--import', 'tsx', path.join(REPO, 'harness', 'cli', 'emulate.ts'), '--port', '9137', '--dashboard-port', '8137', '--api-key', 'emulate-key', '--articles', '2', '--ingest-every', '0'],
      { cwd: REPO, env: process.env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    // Served once the first ingestion's analysis has run (the CLI logs it).
    const deadline = Date.now() + 15 * 60_000;
    while (!/analysis runs so far: 2 \(2 ok\)/.test(stderr)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`emulate did not come up.\nstdout:\n${stdout.slice(-4000)}\nstderr:\n${stderr.slice(-4000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(stdout).toContain('dashboard:        http://127.0.0.1:8137/?key=emulate-key');
    expect(stdout).toContain('invoke endpoint:  curl -XPOST "http://127.0.0.1:9137/2015-03-31/functions/function/invocations"');
    const motoPort = Number(/local AWS \(moto\): http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);

    const metrics = await request('http://127.0.0.1:8137/api/metrics', { headers: { 'x-api-key': 'emulate-key' } });
    expect(metrics.statusCode).toBe(200);
    expect(await metrics.body.json()).toMatchObject({ total: 2, counts: { pending: 0 } });
    const page = await request('http://127.0.0.1:8137/');
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('id="total"');
    // Its own containers only (owner label = its pid): other runs may share the Docker engine.
    expect((await containersOwnedBy(child.pid!)).length).toBeGreaterThan(0);

    // Ctrl-C reaches every process of the group (moto and the docker clients too); an impatient
    // second Ctrl-C mid-shutdown must not cut the cleanup short.
    const ctrlC = () => process.kill(-child!.pid!, 'SIGINT');
    ctrlC();
    await new Promise((resolve) => setTimeout(resolve, 300));
    ctrlC();
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopped; nothing left running.');
    expect(await containersOwnedBy(child.pid!)).toEqual([]);
    expect(await portOpen(motoPort)).toBe(false);
    expect(await portOpen(8137)).toBe(false);
    expect(await portOpen(9137)).toBe(false);
  });
});
