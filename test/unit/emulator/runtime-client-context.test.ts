/**
 * A client context with non-latin-1 text, handed to a runtime that polls AFTER the invoke was
 * queued: the header goes out as JSON with \u escapes (the same JSON), instead of Node throwing
 * inside the /next handler and taking the whole emulator down.
 */
import { RuntimeApiServer, asciiJson } from '../../../harness/emulator/runtime-api-server';

describe('client context on a queued invoke', () => {
  test('reaches the runtime as ASCII JSON that parses to the same text', async () => {
    const server = new RuntimeApiServer({ timeoutMs: 3000, log: () => undefined });
    const address = await server.listen();
    try {
      const clientContext = JSON.stringify({ custom: { name: 'Zoë ☃ 日本語 🚀' } });
      const outcome = server.submit({
        requestId: 'r1', payload: Buffer.from('{}'), functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', traceId: 'Root=1-abc', clientContext,
      });
      // The runtime polls only now: the invocation was queued.
      const next = await fetch(`http://${address}/2018-06-01/runtime/invocation/next`);
      expect(next.status).toBe(200);
      const header = next.headers.get('lambda-runtime-client-context')!;
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      expect(JSON.parse(header)).toEqual(JSON.parse(clientContext));
      await fetch(`http://${address}/2018-06-01/runtime/invocation/r1/response`, { method: 'POST', body: '"ok"' });
      expect((await outcome).kind).toBe('response');
    } finally {
      await server.close();
    }
  });

  test('asciiJson escapes non-ASCII inside strings and turns control characters into spaces', () => {
    expect(asciiJson('{"a":"é\u2603"}')).toBe('{"a":"\\u00e9\\u2603"}');
    expect(JSON.parse(asciiJson('{\n"a": "😀"\n}'))).toEqual({ a: '😀' });
  });
});
