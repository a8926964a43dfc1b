/**
 * The invoke endpoint (AWS's curl example, with the real curl) and the Function URL front
 * (plain HTTP <-> payload format 2.0) in front of a real container running a Python echo handler.
 */
import { FunctionUrlFailure, FunctionUrlFront } from '../../../harness/emulator/function-url-front';
import { InvokeEndpoint } from '../../../harness/emulator/invoke-endpoint';
import { LambdaEmulator } from '../../../harness/emulator/lambda-emulator';
import { runProcess } from '../../../harness/process/run-process';
import { CorsSpec } from '../../../model/function-spec';
import { launchSpec, runtimeImage, testEmulator, writeTaskDir } from './emulator-fixtures';

jest.setTimeout(15 * 60_000);

const ECHO = [
  'import json',
  'def handler(event, context):',
  '    path = event.get("rawPath")',
  '    if path == "/structured":',
  '        return {"statusCode": 201, "headers": {"content-type": "application/json", "x-echo": "yes"},',
  '                "cookies": ["a=1; Path=/", "b=2"], "body": json.dumps(event)}',
  '    if path == "/binary":',
  '        return {"statusCode": 200, "headers": {"content-type": "application/octet-stream"},',
  '                "body": event["body"], "isBase64Encoded": event["isBase64Encoded"]}',
  '    if path == "/slow":',
  '        import time; time.sleep(1.5)',
  '        return {"slow": True}',
  '    if path == "/fail":',
  '        raise RuntimeError("failed on purpose")',
  '    if path == "/print":',
  '        print("printed by the handler")',
  '        return {"requestId": context.aws_request_id}',
  '    if path == "/context":',
  '        return {"clientContext": {"custom": context.client_context.custom}}',
  '    return event',
].join('\n');

const CORS: CorsSpec = { allowOrigins: ['*'], allowMethods: ['GET', 'POST'], allowHeaders: ['content-type', 'x-api-key'], maxAgeSeconds: 300 };

describe('invoke endpoint and Function URL front', () => {
  let emulator: LambdaEmulator;
  let logs: string[];
  let endpoint: InvokeEndpoint;
  let front: FunctionUrlFront;
  let throttled: { emulator: LambdaEmulator; front: FunctionUrlFront } | undefined;
  const functionErrors: FunctionUrlFailure[] = [];

  beforeAll(async () => {
    const image = await runtimeImage();
    const taskDir = writeTaskDir({ 'echo.py': ECHO });
    ({ emulator, logs } = testEmulator(launchSpec(image, taskDir, 'echo.handler', { functionName: 'echo' })));
    // One environment and no queue: a second concurrent request is throttled.
    const single = testEmulator(launchSpec(image, taskDir, 'echo.handler', { functionName: 'single' }), { maxEnvironments: 1, maxQueuedInvokes: 0 }).emulator;
    throttled = { emulator: single, front: await new FunctionUrlFront({ invoker: single }).start() };
    endpoint = await new InvokeEndpoint({ functions: [emulator] }).start();
    front = await new FunctionUrlFront({ invoker: emulator, cors: CORS, region: 'eu-west-1', onFunctionError: (failure) => functionErrors.push(failure) }).start();
  });
  afterAll(async () => {
    await endpoint?.stop();
    await front?.stop();
    await emulator?.stop();
    await throttled?.front.stop();
    await throttled?.emulator.stop();
  });

  test("answers AWS's curl example: curl -XPOST .../2015-03-31/functions/function/invocations -d '{}'", async () => {
    const { stdout } = await runProcess('curl', ['-sS', '-i', '-XPOST', endpoint.invocationsUrl(), '-d', '{"payload":"hello world!"}']);
    const [head, body] = stdout.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head.toLowerCase()).toContain('x-amz-executed-version: $latest');
    expect(JSON.parse(body)).toEqual({ payload: 'hello world!' });
  });

  test('the function is also served under its own name; unknown names are 404', async () => {
    const named = await fetch(endpoint.invocationsUrl('echo'), { method: 'POST', body: '{"n":1}' });
    expect(await named.json()).toEqual({ n: 1 });
    const unknown = await fetch(endpoint.invocationsUrl('nope'), { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  test('a function error is 200 with X-Amz-Function-Error: Unhandled and the error JSON', async () => {
    const response = await fetch(endpoint.invocationsUrl(), { method: 'POST', body: '{"rawPath":"/fail"}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toMatchObject({ errorType: 'RuntimeError', errorMessage: 'failed on purpose' });
  });

  // Invoke API: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (errors, headers)
  // and https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (6 MB sync, 1 MB async requests).
  test('a request over 6,291,456 bytes is 413 RequestTooLargeException; exactly the limit runs', async () => {
    const startsBefore = logs.filter((line) => line.startsWith('START')).length;
    const over = await fetch(endpoint.invocationsUrl(), { method: 'POST', body: Buffer.alloc(6_291_457, 0x20) });
    expect(over.status).toBe(413);
    expect(over.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
    expect(logs.filter((line) => line.startsWith('START')).length).toBe(startsBefore);
    const body = `{"p":"${'x'.repeat(6_291_456 - 8)}"}`;
    expect(Buffer.byteLength(body)).toBe(6_291_456);
    const atLimit = await fetch(endpoint.invocationsUrl(), { method: 'POST', body });
    expect(atLimit.status).toBe(200);
  });

  test('an Event payload over 1 MB is 413 RequestTooLargeException', async () => {
    const response = await fetch(endpoint.invocationsUrl(), {
      method: 'POST', headers: { 'x-amz-invocation-type': 'Event' }, body: `{"p":"${'x'.repeat(1_048_576)}"}`,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
  });

  test('a body that is not JSON, or a client context that is not base64 JSON: 400 InvalidRequestContentException, function not run', async () => {
    const startsBefore = logs.filter((line) => line.startsWith('START')).length;
    const notJson = await fetch(endpoint.invocationsUrl(), { method: 'POST', body: 'not json' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    expect(await notJson.json()).toMatchObject({ Type: 'User', message: expect.stringMatching(/^Could not parse request body into json/) });
    for (const context of ['%%%not-base64', Buffer.from('not json').toString('base64')]) {
      const badContext = await fetch(endpoint.invocationsUrl(), { method: 'POST', headers: { 'x-amz-client-context': context }, body: '{}' });
      expect(badContext.status).toBe(400);
      expect(badContext.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    }
    expect(logs.filter((line) => line.startsWith('START')).length).toBe(startsBefore);
  });

  test('no payload: the function gets {}', async () => {
    const response = await fetch(endpoint.invocationsUrl(), { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  test('a client context with any text reaches the function intact (ASCII-escaped JSON in the runtime header)', async () => {
    const context = { custom: { greeting: 'grüße 日本 🎉' }, env: {}, client: {} };
    const response = await fetch(endpoint.invocationsUrl(), {
      method: 'POST', headers: { 'x-amz-client-context': Buffer.from(JSON.stringify(context)).toString('base64') }, body: '{"rawPath":"/context"}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ clientContext: { custom: context.custom } });
  });

  test('Qualifier other than $LATEST: 404 ResourceNotFoundException; $LATEST runs', async () => {
    const versioned = await fetch(`${endpoint.invocationsUrl()}?Qualifier=7`, { method: 'POST', body: '{}' });
    expect(versioned.status).toBe(404);
    expect(versioned.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    const alias = await fetch(endpoint.invocationsUrl('echo:live'), { method: 'POST', body: '{}' });
    expect(alias.status).toBe(404);
    const latest = await fetch(`${endpoint.invocationsUrl()}?Qualifier=%24LATEST`, { method: 'POST', body: '{"n":2}' });
    expect(await latest.json()).toEqual({ n: 2 });
  });

  test('x-amzn-RequestId is the invocation request id; Tail returns the base64 log ending with REPORT', async () => {
    const response = await fetch(endpoint.invocationsUrl(), {
      method: 'POST', headers: { 'x-amz-log-type': 'Tail' }, body: '{"rawPath":"/print"}',
    });
    const requestId = response.headers.get('x-amzn-requestid');
    expect(await response.json()).toMatchObject({ requestId });
    const tail = Buffer.from(response.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(4096);
    expect(tail).toContain('printed by the handler');
    expect(tail).toContain(`START RequestId: ${requestId}`);
    expect(tail.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\t`));
    const noTail = await fetch(endpoint.invocationsUrl(), { method: 'POST', body: '{}' });
    expect(noTail.headers.get('x-amz-log-result')).toBeNull();
  });

  test('Function URL: a 2.0 event with query string, duplicate headers and cookies round-trips', async () => {
    const { stdout } = await runProcess('curl', ['-sS', `${front.url}items/7?id=1&id=2&q=a%20b`,
      '-H', 'X-Dup: one', '-H', 'X-Dup: two', '-H', 'Cookie: session=abc; theme=dark', '-A', 'harness-test/1.0']);
    const event = JSON.parse(stdout);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/items/7',
      rawQueryString: 'id=1&id=2&q=a%20b',
      cookies: ['session=abc', 'theme=dark'],
      queryStringParameters: { id: '1,2', q: 'a b' },
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous', routeKey: '$default', stage: '$default',
        http: { method: 'GET', path: '/items/7', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'harness-test/1.0' },
      },
    });
    expect(event.headers['x-dup']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.domainName).toMatch(/^[a-z0-9]{32}\.lambda-url\.eu-west-1\.on\.aws$/);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.timeEpoch).toBe('number');
  });

  test('Function URL: structured result -> status, headers, set-cookie per cookie, body', async () => {
    const response = await fetch(`${front.url}structured`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(await response.json()).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });

  test('Function URL: a binary body goes in base64 and comes back as the same bytes', async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255, 10, 13]);
    const response = await fetch(`${front.url}binary`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test('Function URL: CORS preflight answered by the front, CORS headers on responses', async () => {
    const startsBefore = logs.filter((line) => line.startsWith('START')).length;
    const preflight = await fetch(`${front.url}anything`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-api-key');
    expect(preflight.headers.get('access-control-max-age')).toBe('300');
    expect(logs.filter((line) => line.startsWith('START')).length).toBe(startsBefore); // the function never saw it

    const actual = await fetch(`${front.url}plain`, { headers: { origin: 'http://localhost:5173' } });
    expect(actual.headers.get('access-control-allow-origin')).toBe('*');
  });

  // A real Function URL answers a bare 502; the error stays in the logs and our reports.
  // https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
  test('Function URL: a function error is a bare 502; the error type reaches onFunctionError, not the client', async () => {
    const response = await fetch(`${front.url}fail`);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ Message: 'Internal Server Error' });
    expect([...response.headers.keys()].filter((name) => name.startsWith('x-harness'))).toEqual([]);
    expect(functionErrors.at(-1)).toMatchObject({ errorType: 'RuntimeError', requestId: response.headers.get('x-amzn-requestid') });
  });

  test('Function URL: beyond the concurrency limit (no queue) -> 429', async () => {
    const url = throttled!.front.url;
    const first = fetch(`${url}slow`);
    // Wait (without a time limit) until the first request holds the only environment.
    while (throttled!.emulator.environmentsCreated < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await fetch(`${url}slow`);
    expect(second.status).toBe(429);
    expect(await second.json()).toEqual({ Message: 'Rate Exceeded.' });
    const answered = await first;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ slow: true });
  });
});
