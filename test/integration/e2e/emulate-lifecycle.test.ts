// `npm run emulate` stops cleanly whatever the moment and whoever signals it, and a start after
// `kill -9` reaps what the dead process left. Real processes, real containers, real moto server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readHelperRecords } from '../../../harness/lifecycle/helper-processes';
import { reapOrphans } from '../../../harness/lifecycle/reap';
import { REPO } from '../harness/run-cli';
import { runProcess, startProcess } from '../../../harness/process/run-process';
import { containersOwnedBy, EmulateProcess, killGroup, portOf, portOpen, processRuns, startEmulate, tinyFunctionDir } from './emulate-dir-process';

jest.setTimeout(15 * 60_000);

function processParent(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

async function invokeOnce(url: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: '{"warm":"up"}' });
  expect(await response.json()).toMatchObject({ event: { warm: 'up' } });
}

describe('emulate lifecycle: signals at any moment, and kill -9', () => {
  const started: EmulateProcess[] = [];
  const dir = tinyFunctionDir();
  afterAll(() => killGroup(started));

  test('Ctrl-C in the first seconds (pip installing in a build container) leaves no container, process or staging', async () => {
    // A function with one small pure-Python requirement: its build runs pip in a container.
    const withRequirements = tinyFunctionDir();
    fs.writeFileSync(path.join(withRequirements, 'requirements.txt'), 'six==1.17.0\n');
    const emulate = startEmulate(['--dir', withRequirements, '--port', '0', '--url-port', '0', '--force']);
    started.push(emulate);
    await emulate.waitFor(/pip install \(/);
    const pid = emulate.child.pid!;
    // As soon as pip has started: a loaded machine can deliver that line late, and a longer pause
    // let the whole (small) verify finish first, which is a different test (Ctrl-C while serving).
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-pid, 'SIGINT');
    const code = await emulate.exited;
    expect(emulate.output().stdout).not.toContain('READY');
    expect(code).toBe(130);
    expect(emulate.output().stderr).toContain('[shutdown] stopped; nothing left running.');
    expect(await containersOwnedBy(pid)).toEqual([]);
    expect(processRuns(pid)).toBe(false);
    const staging = path.join(REPO, '.work', 'staging');
    expect((fs.existsSync(staging) ? fs.readdirSync(staging) : []).filter((name) => name.endsWith(`-${pid}`))).toEqual([]);
  });

  test('SIGTERM to npm in the first seconds of `npm run emulate` (the analyzer) stops its moto server too', async () => {
    const emulate = startEmulate(['--port', '9465', '--url-port', '8465', '--schedule-every', '0'], { viaNpm: true });
    started.push(emulate);
    await emulate.waitFor(/starting the moto server \.\.\. [\d.]+ s/);
    // npm -> node (the script execs node): the moto server's owner is npm's child.
    const moto = readHelperRecords().map((entry) => entry.record).find((record) => record && processParent(Number(record.owner.split('-')[0])) === emulate.child.pid);
    expect(moto).toBeDefined();
    const pid = Number(moto!.owner.split('-')[0]);
    // Only npm is signalled: moto survives unless node stops it.
    process.kill(emulate.child.pid!, 'SIGTERM');
    await emulate.exited;
    for (let waited = 0; processRuns(pid) && waited < 60_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    expect(processRuns(pid)).toBe(false);
    expect(processRuns(moto!.pid)).toBe(false);
    expect(await portOpen(moto!.port!)).toBe(false);
    expect(readHelperRecords().some((entry) => entry.record?.pid === moto!.pid)).toBe(false);
    expect(await containersOwnedBy(pid)).toEqual([]);
    expect(await portOpen(9465)).toBe(false);
    expect(await portOpen(8465)).toBe(false);
  });

  test('SIGTERM to the npm process stops node, its containers and its ports', async () => {
    const emulate = startEmulate(['--dir', dir, '--port', '0', '--url-port', '0'], { viaNpm: true });
    started.push(emulate);
    const ready = await emulate.ready();
    expect(ready.pid).not.toBe(emulate.child.pid); // node runs under npm
    await invokeOnce(ready.invokeUrl); // environments start on the first invoke, as in Lambda
    expect((await containersOwnedBy(ready.pid)).length).toBeGreaterThan(0);
    process.kill(emulate.child.pid!, 'SIGTERM'); // npm alone, as `kill <npm pid>` does
    await emulate.exited;
    for (let waited = 0; processRuns(ready.pid) && waited < 60_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    expect(processRuns(ready.pid)).toBe(false);
    expect(await containersOwnedBy(ready.pid)).toEqual([]);
    expect(await portOpen(portOf(ready.invokeUrl))).toBe(false);
    expect(await portOpen(portOf(ready.functionUrl))).toBe(false);
  });

  test('after kill -9, the next start on the same ports reaps the dead run and starts cleanly', async () => {
    const first = startEmulate(['--dir', dir, '--port', '9461', '--url-port', '9462']);
    started.push(first);
    const ready = await first.ready();
    await invokeOnce(ready.invokeUrl);
    process.kill(ready.pid, 'SIGKILL');
    await first.exited;
    // Its function container notices its Runtime API is gone and exits by itself (so it may be gone
    // already); one that does not (a hung runtime, a helper container) must be reaped: plant one
    // with the dead owner's label.
    const orphan = `emulator-robustness-orphan-${ready.pid}`;
    await runProcess('docker', ['run', '-d', '--rm', '--name', orphan, '--label', 'sentiment-harness=1', '--label', `sentiment-harness.owner=${ready.pid}-1`,
      '--entrypoint', 'sleep', 'lambda-standin/python:3.13', '600']);

    const second = startEmulate(['--dir', dir, '--port', '9461', '--url-port', '9462']);
    started.push(second);
    const again = await second.ready();
    expect(second.output().stderr).toContain(`[reap] container ${orphan}: its owner (process ${ready.pid}) is gone`);
    expect(await containersOwnedBy(ready.pid)).toEqual([]);
    const answer = await fetch(again.invokeUrl, { method: 'POST', body: '{"second":"start"}' });
    expect(await answer.json()).toMatchObject({ event: { second: 'start' } });
    process.kill(-second.child.pid!, 'SIGTERM');
    expect(await second.exited).toBe(0);
  });

  test('a port already taken is refused before the long verify, naming the option that changes it', async () => {
    const holder = startEmulate(['--dir', dir, '--port', '9463', '--url-port', '0']);
    started.push(holder);
    await holder.ready();
    const clash = startEmulate(['--dir', dir, '--port', '9463', '--url-port', '0']);
    started.push(clash);
    expect(await clash.exited).toBe(1);
    expect(clash.output().stderr).toContain('Port 9463 (invoke endpoint) on 127.0.0.1 is already in use');
    expect(clash.output().stderr).toContain('--port <port>');
    expect(clash.output().stderr).not.toContain('[verify]');
    process.kill(-holder.child.pid!, 'SIGTERM');
    await holder.exited;
  });

  test('a moto server whose owner died by kill -9 is stopped by the next reap, and its pid file removed', async () => {
    // A harness process that starts the local AWS server, then dies without any cleanup.
    const script = `
      const { startMotoServer } = require(${JSON.stringify(path.join(REPO, 'harness', 'local-aws', 'moto-server.ts'))});
      startMotoServer().then((moto) => { console.log('MOTO ' + moto.pid + ' ' + moto.port); setInterval(() => undefined, 1000); });`;
    const owner = startProcess(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, collect: true });
    const out = () => owner.output().stdout;
    for (let waited = 0; !/MOTO \d+ \d+/.test(out()) && waited < 120_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    const [, motoPid, motoPort] = /MOTO (\d+) (\d+)/.exec(out())!.map(Number);
    expect(readHelperRecords().some((entry) => entry.record?.pid === motoPid)).toBe(true);
    await owner.stop('SIGKILL');
    expect(processRuns(motoPid)).toBe(true); // orphaned, still holding its port
    expect(await portOpen(motoPort)).toBe(true);

    const lines: string[] = [];
    const summary = await reapOrphans({ log: (line) => lines.push(line) });
    expect(summary.helperProcesses).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).toContain(`moto (pid ${motoPid}, port ${motoPort}): its owner is gone`);
    expect(processRuns(motoPid)).toBe(false);
    expect(await portOpen(motoPort)).toBe(false);
    expect(readHelperRecords().some((entry) => entry.record?.pid === motoPid)).toBe(false);
  });
});
