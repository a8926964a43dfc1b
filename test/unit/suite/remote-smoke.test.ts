// The deployed Function URL is mocked by a local HTTP server (AWS cannot exist here); the suite
// code and undici client are the real ones the preprod smoke run uses.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { catalogEntry } from '../../../lambdas/catalog';
import { remoteUrlTarget } from '../../../harness/suite/remote-url-target';
import { applicableSmokeChecks, runHealthCheck, runSmokeCheck } from '../../../harness/suite/smoke-checks';

function fakeDeployedUrl(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

describe('smoke suite against a deployed Function URL (mocked AWS)', () => {
  const dashboard = catalogEntry('dashboard');

  it('passes health and the catalog HTTP checks when the URL answers like a healthy dashboard', async () => {
    const fake = await fakeDeployedUrl((req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
      } else if (req.url === '/api/metrics') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"missing API key"}');
      } else res.writeHead(404).end();
    });
    try {
      const target = remoteUrlTarget(fake.url);
      const health = await runHealthCheck(dashboard, target);
      expect(health).toMatchObject({ kind: 'health', passed: true });
      const checks = applicableSmokeChecks(dashboard, target);
      expect(checks.every((c) => c.kind === 'http')).toBe(true);
      const results = await Promise.all(checks.map((c) => runSmokeCheck(c, target)));
      expect(results.map((r) => r.passed)).toEqual(checks.map(() => true));
    } finally {
      await fake.close();
    }
  });

  it('fails health with the status and body when the URL answers 502 (seed 001 in preprod)', async () => {
    const fake = await fakeDeployedUrl((_req, res) => res.writeHead(502).end('Internal Server Error'));
    try {
      const health = await runHealthCheck(dashboard, remoteUrlTarget(fake.url));
      expect(health.passed).toBe(false);
      expect(health.message).toBe('expected HTTP 200, got 502: Internal Server Error');
    } finally {
      await fake.close();
    }
  });

  it('fails when health answers 200 with a body that is not JSON', async () => {
    const fake = await fakeDeployedUrl((_req, res) => res.writeHead(200).end('<html>ok</html>'));
    try {
      const health = await runHealthCheck(dashboard, remoteUrlTarget(fake.url));
      expect(health.passed).toBe(false);
      expect(health.message).toMatch(/^GET \/health answered 200 but body is not JSON/);
    } finally {
      await fake.close();
    }
  });

  it('rejects a URL that is not http(s) with the value it got', () => {
    expect(() => remoteUrlTarget('ftp://example.com')).toThrow("--url must use http or https, got 'ftp:' in 'ftp://example.com'.");
    expect(() => remoteUrlTarget('not a url')).toThrow(/--url must be an absolute http\(s\) URL .*got 'not a url'/);
  });
});
