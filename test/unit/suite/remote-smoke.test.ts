// The deployed Function URL is mocked by a local HTTP server (AWS cannot exist here); the suite
// code and undici client are the real ones the preprod smoke run uses.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { catalogEntry } from '../../../harness/machine-catalog';
import { remoteUrlTarget } from '../../../harness/suite/remote-url-target';
import { applicableSmokeChecks, runHealthCheck, runSmokeCheck } from '../../../harness/suite/smoke-checks';

/** Serves `handler` as the deployed Function URL while `use` runs. */
async function withFakeDeployedUrl<T>(handler: http.RequestListener, use: (url: string) => Promise<T>): Promise<T> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    await new Promise((done) => server.close(done));
  }
}

describe('smoke suite against a deployed Function URL (mocked AWS)', () => {
  const dashboard = catalogEntry('dashboard');

  it('passes health and the catalog HTTP checks when the URL answers like a healthy dashboard', async () => {
    const healthyDashboard: http.RequestListener = (req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
      } else if (req.url === '/api/metrics') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"missing API key"}');
      } else res.writeHead(404).end();
    };
    await withFakeDeployedUrl(healthyDashboard, async (url) => {
      const target = remoteUrlTarget(url);
      const health = await runHealthCheck(dashboard, target);
      expect(health).toMatchObject({ kind: 'health', passed: true });
      const checks = applicableSmokeChecks(dashboard, target);
      expect(checks.every((c) => c.kind === 'http')).toBe(true);
      const results = await Promise.all(checks.map((c) => runSmokeCheck(c, target)));
      expect(results.map((r) => r.passed)).toEqual(checks.map(() => true));
    });
  });

  it.each([
    ['502 (seed 001 in preprod)', 502, 'Internal Server Error', /^expected HTTP 200, got 502: Internal Server Error$/],
    ['200 with a body that is not JSON', 200, '<html>ok</html>', /^GET \/health answered 200 but body is not JSON/],
  ])('fails health when the URL answers %s, saying what it got', async (_case, status, body, message) => {
    const health = await withFakeDeployedUrl((_req, res) => res.writeHead(status).end(body), (url) => runHealthCheck(dashboard, remoteUrlTarget(url)));
    expect(health.passed).toBe(false);
    expect(health.message).toMatch(message);
  });

  it('rejects a URL that is not http(s) with the value it got', () => {
    expect(() => remoteUrlTarget('ftp://example.com')).toThrow("--url must use http or https, got 'ftp:' in 'ftp://example.com'.");
    expect(() => remoteUrlTarget('not a url')).toThrow(/--url must be an absolute http\(s\) URL .*got 'not a url'/);
  });
});
