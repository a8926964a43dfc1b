/**
 * The Runtime API server spoken to over real HTTP by a scripted client standing in for the
 * runtime interface client (the real awslambdaric drives it in the integration tests).
 */
import { InitError, InvocationOutcome, RuntimeApiServer } from '../../../harness/emulator/runtime-api-server';

interface Answer { status: number; headers: Headers; body: string }

async function call(address: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`http://${address}${path}`, { method, body, headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

const invocation = (requestId: string, payload = '{"hello":"world"}') => ({
  requestId, payload: Buffer.from(payload), functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', traceId: 'Root=1-abc',
});

describe('Runtime API 2018-06-01 server', () => {
  let server: RuntimeApiServer;
  let address: string;
  const initErrors: InitError[] = [];

  beforeEach(async () => {
    initErrors.length = 0;
    server = new RuntimeApiServer({ timeoutMs: 3000, maxResponseBytes: 1000, onInitError: (error) => initErrors.push(error) });
    address = await server.listen();
  });
  afterEach(() => server.close());

  test('GET /next long-polls, then hands out the invocation with Lambda headers', async () => {
    const next = call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const outcome = server.submit({ ...invocation('req-1'), clientContext: '{"custom":{}}' });
    const answer = await next;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"hello":"world"}');
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('lambda-runtime-aws-request-id')).toBe('req-1');
    expect(answer.headers.get('lambda-runtime-invoked-function-arn')).toBe('arn:aws:lambda:us-east-1:123456789012:function:f');
    expect(answer.headers.get('lambda-runtime-trace-id')).toBe('Root=1-abc');
    expect(answer.headers.get('lambda-runtime-client-context')).toBe('{"custom":{}}');
    expect(answer.headers.get('lambda-runtime-cognito-identity')).toBeNull();
    const deadline = Number(answer.headers.get('lambda-runtime-deadline-ms'));
    expect(deadline).toBeGreaterThan(Date.now() + 1000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 3000);

    const posted = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '{"ok":true}');
    expect(posted.status).toBe(202);
    const result = (await outcome) as Extract<InvocationOutcome, { kind: 'response' }>;
    expect(result.kind).toBe('response');
    expect(result.body.toString()).toBe('{"ok":true}');
  });

  test('/error takes the error type from the header; a second answer is 403, an unknown id 400', async () => {
    const outcome = server.submit(invocation('req-2'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const errorBody = '{"errorMessage":"boom","errorType":"ValueError"}';
    const posted = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-2/error', errorBody, { 'Lambda-Runtime-Function-Error-Type': 'ValueError' });
    expect(posted.status).toBe(202);
    expect(await outcome).toMatchObject({ kind: 'error', errorType: 'ValueError' });

    const again = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-2/response', '{}');
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body)).toMatchObject({ errorType: 'InvalidStateTransition' });
    const unknown = await call(address, 'POST', '/2018-06-01/runtime/invocation/never-issued/response', '{}');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({ errorType: 'InvalidRequestID' });
  });

  test('error type falls back to the posted JSON when the header is missing', async () => {
    const outcome = server.submit(invocation('req-3'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    await call(address, 'POST', '/2018-06-01/runtime/invocation/req-3/error', '{"errorMessage":"x","errorType":"KeyError"}');
    expect(await outcome).toMatchObject({ kind: 'error', errorType: 'KeyError' });
  });

  test('a response over the limit gets 413 and the invocation fails as too large', async () => {
    const outcome = server.submit(invocation('req-4'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const posted = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-4/response', Buffer.alloc(1001, 'x'));
    expect(posted.status).toBe(413);
    expect(JSON.parse(posted.body)).toMatchObject({ errorType: 'RequestEntityTooLarge' });
    expect(await outcome).toMatchObject({ kind: 'response-too-large', bytes: 1001 });
  });

  test('/init/error is accepted before the first /next and refused after it', async () => {
    const early = await call(address, 'POST', '/2018-06-01/runtime/init/error',
      '{"errorMessage":"Unable to import module \'handler\': No module named \'fastapi\'","errorType":"Runtime.ImportModuleError"}',
      { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
    expect(early.status).toBe(202);
    expect(initErrors[0].errorType).toBe('Runtime.ImportModuleError');

    const outcome = server.submit(invocation('req-5'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const late = await call(address, 'POST', '/2018-06-01/runtime/init/error', '{}');
    expect(late.status).toBe(403);
    await call(address, 'POST', '/2018-06-01/runtime/invocation/req-5/response', '{}');
    await outcome;
  });

  test('unknown routes answer 404 with a Lambda error body', async () => {
    const answer = await call(address, 'GET', '/2018-06-01/runtime/nope');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toHaveProperty('errorType');
  });
});
