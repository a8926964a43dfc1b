/**
 * The shared server factory over real loopback sockets: timeouts, the connection limit that
 * evicts slow clients first, aborted bodies, non-ASCII headers, and send() that never throws.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { close, createHttpServer, defaultHttpLimits, listen, readBody, send } from '../../../harness/emulator/http-listen';

function connect(port: number, text: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text, () => resolve(socket)));
    socket.once('error', reject);
  });
}

function answerOf(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
  });
}

describe('createHttpServer', () => {
  let server: http.Server;
  let port: number;
  const logs: string[] = [];

  async function start(limits: Parameters<typeof createHttpServer>[0]['limits'], handler: Parameters<typeof createHttpServer>[1]): Promise<void> {
    server = createHttpServer({ what: 'Test server', limits, log: (line) => logs.push(line) }, handler);
    port = await listen(server, 0, '127.0.0.1', 'Test server');
  }
  const echo: Parameters<typeof createHttpServer>[1] = async (req, res) => {
    const body = await readBody(req, 1024);
    send(res, 200, [['content-type', 'text/plain']], body.tooLarge ? `too large: ${body.bytes}` : body.data);
  };

  beforeEach(() => (logs.length = 0));
  afterEach(() => close(server));

  test('a body cut off by the client is dropped and logged; the server keeps answering', async () => {
    await start({}, echo);
    const socket = await connect(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b');
    socket.destroy();
    for (let i = 0; i < 50 && !logs.some((l) => l.includes('hung up')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(logs.join('\n')).toContain('Test server: dropped POST /: the client hung up before its request body was complete (10 bytes received)');
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'still here' });
    expect(await response.text()).toBe('still here');
  });

  test('a body over the limit is counted, not kept', async () => {
    await start({}, echo);
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(await response.text()).toBe('too large: 5000');
  });

  test('a handler that throws gives that client a 500 and the log a line, nothing else', async () => {
    await start({}, () => {
      throw new Error('handler bug');
    });
    const response = await fetch(`http://127.0.0.1:${port}/x`);
    expect(response.status).toBe(500);
    expect(logs.join('\n')).toContain('Test server: GET /x failed: handler bug');
  });

  test('a header value with non-ASCII bytes is refused with 400 naming the header', async () => {
    await start({}, echo);
    const socket = await connect(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Name: Zo\u00c3\u00ab\r\n\r\n');
    const answer = await answerOf(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain("Header 'X-Name' has a value with non-ASCII characters");
  });

  test('send() drops a header Node cannot write (non-latin-1) instead of throwing', async () => {
    await start({}, (_req, res) => send(res, 200, [['x-ok', 'yes'], ['x-snowman', 'snow \u2603']], 'body'));
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ok')).toBe('yes');
    expect(response.headers.has('x-snowman')).toBe(false);
    expect(logs.join('\n')).toContain('dropped response header(s) x-snowman');
  });

  test('at the connection limit the longest-waiting unfinished connection is closed to make room', async () => {
    await start({ maxConnections: 3 }, echo);
    const slow = await Promise.all([1, 2, 3].map(() => connect(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ')));
    const closed = slow.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
    slow.forEach((socket) => socket.on('error', () => undefined));
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'served' });
    expect(await response.text()).toBe('served');
    await closed[0];
    expect(logs.join('\n')).toContain('connection limit 3 reached');
    slow.forEach((socket) => socket.destroy());
  });

  test('a request whose headers never complete is timed out', async () => {
    await start({ headersTimeoutMs: 200, bodyTimeoutMs: 400, idleTimeoutMs: 400 }, echo);
    const socket = await connect(port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    const answer = await answerOf(socket);
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  });

  test('a connection that never sends anything is closed after the idle timeout', async () => {
    await start({ idleTimeoutMs: 200 }, echo);
    const socket = await connect(port, '');
    await answerOf(socket); // resolves on close
    expect(socket.destroyed).toBe(true);
  });
});

describe('defaultHttpLimits', () => {
  test('reads HARNESS_HTTP_* and refuses a bad value by name', () => {
    expect(defaultHttpLimits({ HARNESS_HTTP_MAX_CONNECTIONS: '7' }).maxConnections).toBe(7);
    expect(defaultHttpLimits({}).maxConnections).toBe(512);
    expect(() => defaultHttpLimits({ HARNESS_HTTP_HEADERS_TIMEOUT_MS: 'soon' })).toThrow("HARNESS_HTTP_HEADERS_TIMEOUT_MS must be a positive integer, got 'soon'.");
  });
});
