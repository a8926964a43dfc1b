// No client can knock `emulate --dir` over: an upload that hangs up mid-body, a client context
// with non-latin-1 text on a queued invoke, a non-ASCII header and 1,100 slow connections on each
// front leave it serving everyone else. A real process, real containers, real sockets.
import * as net from 'node:net';
import { EmulateProcess, killGroup, portOf, Ready, startEmulate, tinyFunctionDir } from './emulate-dir-process';

jest.setTimeout(10 * 60_000);

async function invoke(ready: Ready, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(ready.invokeUrl, { method: 'POST', body, headers });
  return { status: response.status, json: await response.json() };
}

/** Opens a raw connection, writes `text`, and leaves it open (or hangs up when asked). */
function rawConnection(port: number, text: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text, () => resolve(socket)));
    socket.once('error', reject);
  });
}

describe('emulate --dir: listeners that no client can knock over', () => {
  let emulate: EmulateProcess | undefined;
  let ready: Ready;

  beforeAll(async () => {
    // One environment: concurrent invokes queue, so the invoke is handed to the runtime's next poll.
    emulate = startEmulate(['--dir', tinyFunctionDir(), '--port', '0', '--url-port', '0', '--max-environments', '1']);
    ready = await emulate.ready();
  });
  afterAll(async () => {
    if (emulate?.child.pid && emulate.child.exitCode === null) {
      process.kill(-emulate.child.pid, 'SIGTERM');
      await emulate.exited;
    }
    killGroup([emulate]);
  });

  test('an upload that hangs up mid-body is dropped and logged; the next invoke is served', async () => {
    const port = portOf(ready.invokeUrl);
    const socket = await rawConnection(port,
      `POST ${new URL(ready.invokeUrl).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"partial":"` + 'x'.repeat(50_000));
    socket.destroy();
    await emulate!.waitFor(/dropped POST .*client hung up before its request body was complete/, 30_000);
    const after = await invoke(ready, '{"after":"abort"}');
    expect(after.status).toBe(200);
    expect(after.json.event).toEqual({ after: 'abort' });
  });

  test('a base64 client context with non-latin-1 text reaches the function on queued invokes, and the process lives', async () => {
    // Lambda's Invoke API: X-Amz-Client-Context is base64-encoded JSON, up to 3,583 bytes
    // (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
    const custom = { name: 'Zoë ☃ 日本語 🚀' };
    const header = Buffer.from(JSON.stringify({ custom })).toString('base64');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => invoke(ready, JSON.stringify({ i }), { 'x-amz-client-context': header })));
    for (const [i, result] of results.entries()) {
      expect(result.status).toBe(200);
      expect(result.json).toEqual({ event: { i }, custom });
    }
    expect(emulate!.child.exitCode).toBeNull();
  });

  test('a header value that is not ASCII is refused with 400 naming the header, not thrown', async () => {
    const socket = await rawConnection(portOf(ready.invokeUrl),
      `POST ${new URL(ready.invokeUrl).pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Name: caf\u00e9\r\nContent-Length: 2\r\n\r\n{}`);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain("Header 'X-Name'");
    expect((await invoke(ready, '{"still":"serving"}')).status).toBe(200);
  });

  test('1,100 slow connections on each front: both still answer other clients', async () => {
    // Slow clients that send part of their headers and then nothing (slowloris). The default
    // connection limit is 512, so the fronts must make room by closing the slowest ones.
    const slow: net.Socket[] = [];
    let closedByServer = 0;
    for (const url of [ready.invokeUrl, ready.functionUrl]) {
      for (let i = 0; i < 1100; i++) {
        const socket = await rawConnection(portOf(url), 'POST /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        socket.on('error', () => undefined);
        socket.once('close', () => closedByServer++);
        slow.push(socket);
      }
    }
    try {
      const invoked = await invoke(ready, '{"despite":"slow clients"}');
      expect(invoked.status).toBe(200);
      expect(invoked.json.event).toEqual({ despite: 'slow clients' });
      const viaUrl = await fetch(new URL('/through-the-url', ready.functionUrl));
      expect(viaUrl.status).toBe(200);
      expect(await viaUrl.json()).toMatchObject({ event: { rawPath: '/through-the-url' } });
      // Room was made by closing slow connections, not by refusing the good ones.
      expect(closedByServer).toBeGreaterThanOrEqual(2 * (1100 - 512));
    } finally {
      for (const socket of slow) socket.destroy();
    }
    expect(emulate!.output().stderr).toMatch(/connection limit 512 reached; closed the longest-waiting unfinished connection/);
  });
});
