// `npm run emulate` as a newcomer runs it: serves the analyzer, prints the dashboard URL, and
// on Ctrl-C (SIGINT) leaves no function container and no local AWS server behind.
// NewsAPI is the harness's mock (a third party); everything else is real.
import { request } from 'undici';
import { EmulateProcess, containersOwnedBy, killGroup, portOpen, startEmulate } from './emulate-dir-process';

describe('npm run emulate (NewsAPI mocked)', () => {
  let emulate: EmulateProcess | undefined;
  afterAll(() => killGroup([emulate]));

  test('prints the dashboard URL, shows live metrics after one ingestion, and Ctrl-C stops everything', async () => {
    emulate = startEmulate(['--port', '9137', '--url-port', '8137', '--api-key', 'emulate-key', '--articles', '2', '--schedule-every', '0']);
    const child = emulate.child;
    // Served once the first scheduled ingestion's SNS-triggered analysis has run (the CLI logs it).
    await emulate.waitFor(/analysis \(SNS\) runs so far: 2 \(2 ok\)/, 15 * 60_000);
    const { stdout } = emulate.output();
    expect(stdout).toContain('dashboard: http://127.0.0.1:8137/?key=emulate-key');
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
    const ctrlC = () => process.kill(-child.pid!, 'SIGINT');
    ctrlC();
    await new Promise((resolve) => setTimeout(resolve, 300));
    ctrlC();
    expect(await emulate.exited).toBe(0);
    expect(emulate.output().stderr).toContain('stopped; nothing left running.');
    expect(await containersOwnedBy(child.pid!)).toEqual([]);
    expect(await portOpen(motoPort)).toBe(false);
    expect(await portOpen(8137)).toBe(false);
    expect(await portOpen(9137)).toBe(false);
  });
});
