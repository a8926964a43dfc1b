/**
 * The bench's client: POSTs a no-op event through one keep-alive connection, as a client that
 * invokes repeatedly would. The same client measures every engine's invoke endpoint.
 */
import * as http from 'node:http';

export class KeepAliveClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  constructor(private readonly url: string) {}

  post(body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(this.url, { method: 'POST', agent: this.agent, headers: { 'content-length': Buffer.byteLength(body) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Times one invoke in ms; a non-200 or a function error stops the bench (it would measure nonsense). */
  async timed(body = '{}'): Promise<number> {
    const started = performance.now();
    const answer = await this.post(body);
    const elapsed = performance.now() - started;
    if (answer.status !== 200 || answer.body !== '{}') throw new Error(`The no-op invoke answered ${answer.status} ${answer.body.slice(0, 300)}; expected 200 {}.`);
    return elapsed;
  }

  close(): void {
    this.agent.destroy();
  }
}
