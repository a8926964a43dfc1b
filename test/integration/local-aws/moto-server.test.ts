/**
 * The local AWS server for real: moto server from .work/venv, spoken to over HTTP.
 */
import { portIsFree, startMotoServer } from '../../../harness/local-aws/moto-server';

jest.setTimeout(120_000);

describe('moto server (real local AWS API server)', () => {
  it('starts on a free port, answers the S3 API, and frees the port on stop', async () => {
    const server = await startMotoServer();
    try {
      expect(server.endpoint).toBe(`http://127.0.0.1:${server.port}`);
      // ListBuckets: an S3 API call, not just a health page.
      const response = await fetch(`${server.endpoint}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('ListAllMyBucketsResult');
      expect(await portIsFree(server.port)).toBe(false);
    } finally {
      await server.stop();
    }
    expect(await portIsFree(server.port)).toBe(true);
    // stop() is idempotent
    await server.stop();
  });

  it('refuses a port that is already in use, naming the port', async () => {
    const first = await startMotoServer();
    try {
      await expect(startMotoServer({ port: first.port })).rejects.toThrow(`127.0.0.1:${first.port}: the port is in use`);
    } finally {
      await first.stop();
    }
  });
});
