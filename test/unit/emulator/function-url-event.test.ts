import {
  InvalidFunctionResultError, formatRequestTime, fromFunctionUrlResult, isTextContentType, toFunctionUrlEvent,
} from '../../../harness/emulator/function-url-event';

const context = { urlId: 'abcdefghijklmnopqrstuvwxyz012345', region: 'eu-west-1', requestId: 'req-1', now: new Date(Date.UTC(2020, 2, 12, 19, 3, 58, 123)) };

function request(overrides: Partial<Parameters<typeof toFunctionUrlEvent>[0]> = {}) {
  return { method: 'GET', url: '/', rawHeaders: [], body: Buffer.alloc(0), sourceIp: '127.0.0.1', ...overrides };
}

describe('plain HTTP -> payload format 2.0 event', () => {
  test('path, raw query string and decoded, comma-joined query parameters', () => {
    const event = toFunctionUrlEvent(request({ url: '/items/7?id=1&id=2&q=a%20b&empty=' }), context);
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('$default');
    expect(event.rawPath).toBe('/items/7');
    expect(event.rawQueryString).toBe('id=1&id=2&q=a%20b&empty=');
    expect(event.queryStringParameters).toEqual({ id: '1,2', q: 'a b', empty: '' });
  });

  test('no query string: empty rawQueryString and no queryStringParameters key', () => {
    const event = toFunctionUrlEvent(request({ url: '/health' }), context);
    expect(event.rawQueryString).toBe('');
    expect('queryStringParameters' in event).toBe(false);
  });

  test('headers lower-cased, duplicates comma-joined, cookies moved to the cookies array', () => {
    const event = toFunctionUrlEvent(request({
      rawHeaders: ['Host', 'localhost', 'X-Multi', 'a', 'x-multi', 'b', 'Cookie', 'session=abc; theme=dark', 'User-Agent', 'curl/8'],
    }), context);
    expect(event.headers['x-multi']).toBe('a,b');
    expect(event.headers.host).toBe('localhost');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.requestContext.http.userAgent).toBe('curl/8');
  });

  test('requestContext as a Function URL fills it', () => {
    const event = toFunctionUrlEvent(request({ method: 'post', url: '/x?y=1', sourceIp: '10.1.2.3' }), context);
    expect(event.requestContext).toEqual({
      accountId: 'anonymous',
      apiId: context.urlId,
      domainName: `${context.urlId}.lambda-url.eu-west-1.on.aws`,
      domainPrefix: context.urlId,
      http: { method: 'POST', path: '/x', protocol: 'HTTP/1.1', sourceIp: '10.1.2.3', userAgent: '' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '12/Mar/2020:19:03:58 +0000',
      timeEpoch: context.now.getTime(),
    });
  });

  test('text bodies stay text, binary bodies are base64, no body means no body key', () => {
    const text = toFunctionUrlEvent(request({ rawHeaders: ['Content-Type', 'application/json; charset=utf-8'], body: Buffer.from('{"a":1}') }), context);
    expect(text).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const bytes = Buffer.from([0, 255, 1, 128]);
    const binary = toFunctionUrlEvent(request({ rawHeaders: ['Content-Type', 'application/octet-stream'], body: bytes }), context);
    expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    const untyped = toFunctionUrlEvent(request({ body: Buffer.from('raw') }), context);
    expect(untyped.isBase64Encoded).toBe(true);
    const empty = toFunctionUrlEvent(request(), context);
    expect('body' in empty).toBe(false);
    expect(empty.isBase64Encoded).toBe(false);
  });

  test('text content types', () => {
    for (const type of ['text/html', 'application/json', 'application/problem+json', 'application/xml', 'application/x-www-form-urlencoded']) {
      expect(isTextContentType(type)).toBe(true);
    }
    for (const type of ['image/png', 'application/octet-stream', 'application/pdf', undefined]) expect(isTextContentType(type)).toBe(false);
  });

  test('request time format pads day and time', () => {
    expect(formatRequestTime(new Date(Date.UTC(2024, 0, 5, 3, 4, 5)))).toBe('05/Jan/2024:03:04:05 +0000');
  });
});

describe('function result -> HTTP response', () => {
  const header = (response: ReturnType<typeof fromFunctionUrlResult>, name: string) =>
    response.headers.filter(([key]) => key === name).map(([, value]) => value);

  test('structured response: status, headers, cookies as set-cookie, body', () => {
    const response = fromFunctionUrlResult(Buffer.from(JSON.stringify({
      statusCode: 201, headers: { 'Content-Type': 'text/plain', 'X-Id': 7 }, cookies: ['a=1; Path=/', 'b=2'], body: 'created',
    })));
    expect(response.statusCode).toBe(201);
    expect(header(response, 'content-type')).toEqual(['text/plain']);
    expect(header(response, 'x-id')).toEqual(['7']);
    expect(header(response, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.body.toString()).toBe('created');
  });

  test('isBase64Encoded bodies are decoded to bytes', () => {
    const bytes = Buffer.from([1, 2, 250]);
    const response = fromFunctionUrlResult(Buffer.from(JSON.stringify({ statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true })));
    expect(response.body.equals(bytes)).toBe(true);
  });

  test('inference: valid JSON without statusCode -> 200 application/json with the result as body', () => {
    for (const result of ['{"message":"hi"}', '"plain string"', '[1,2]', '42', 'null']) {
      const response = fromFunctionUrlResult(Buffer.from(result));
      expect(response.statusCode).toBe(200);
      expect(header(response, 'content-type')).toEqual(['application/json']);
      expect(response.body.toString()).toBe(result);
    }
  });

  test('structured response without content-type defaults to application/json and empty body', () => {
    const response = fromFunctionUrlResult(Buffer.from('{"statusCode":204}'));
    expect(response.statusCode).toBe(204);
    expect(header(response, 'content-type')).toEqual(['application/json']);
    expect(response.body.length).toBe(0);
  });

  test('invalid results are refused (the front answers 502)', () => {
    expect(() => fromFunctionUrlResult(Buffer.from('not json'))).toThrow(InvalidFunctionResultError);
    expect(() => fromFunctionUrlResult(Buffer.from('{"statusCode":"abc"}'))).toThrow(/statusCode must be an integer/);
    expect(() => fromFunctionUrlResult(Buffer.from('{"statusCode":200,"cookies":"a=1"}'))).toThrow(/cookies must be an array/);
  });
});
