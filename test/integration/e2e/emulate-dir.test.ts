// `emulate --dir` serves any function directory on the invoke endpoint and a Function URL front,
// with the function options of `verify --dir`; a function that fails verification is served
// only when asked (--serve-anyway), so its Lambda errors can be seen through the invoke API.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmulateProcess, killGroup, startEmulate } from './emulate-dir-process';

jest.setTimeout(10 * 60_000);

function functionDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulate-dir-fn-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.chmodSync(dir, 0o755);
  return dir;
}

const BROKEN = functionDir({ 'handler.py': 'raise RuntimeError("broken on purpose at import")\n\ndef lambda_handler(event, context):\n    return event\n' });

describe('emulate --dir', () => {
  const started: EmulateProcess[] = [];
  afterAll(() => killGroup(started));

  test('passes --handler, --memory, --timeout and --env to the function, and serves its Function URL', async () => {
    const dir = functionDir({
      'opts.py': [
        'import os',
        'def handler(event, context):',
        '    return {"greeting": os.environ.get("GREETING"), "other": os.environ.get("OTHER"),',
        '            "memory": context.memory_limit_in_mb, "remaining": context.get_remaining_time_in_millis(),',
        '            "path": event.get("rawPath")}',
      ].join('\n'),
    });
    const emulate = startEmulate(['--dir', dir, '--handler', 'opts.handler', '--memory', '256', '--timeout', '7',
      '--env', 'GREETING=hello', '--env', 'OTHER=a=b', '--port', '0', '--url-port', '0']);
    started.push(emulate);
    const ready = await emulate.ready();
    expect(ready.verified).toBe(true);
    expect(ready.invokeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/2015-03-31\/functions\/function\/invocations$/);
    const invoked = (await (await fetch(ready.invokeUrl, { method: 'POST', body: '{}' })).json()) as { remaining: number };
    expect(invoked).toMatchObject({ greeting: 'hello', other: 'a=b', memory: '256' });
    expect(invoked.remaining).toBeLessThanOrEqual(7000);
    const viaUrl = await fetch(new URL('/some/path', ready.functionUrl));
    expect(viaUrl.status).toBe(200);
    expect(await viaUrl.json()).toMatchObject({ path: '/some/path' });
    process.kill(-emulate.child.pid!, 'SIGTERM');
    expect(await emulate.exited).toBe(0);
  });

  test('a function that fails verification is not served, and the message names --serve-anyway', async () => {
    const emulate = startEmulate(['--dir', BROKEN, '--port', '0', '--url-port', '0']);
    started.push(emulate);
    expect(await emulate.exited).toBe(1);
    expect(emulate.output().stderr).toContain('Not serving: fix the failures above, or add --serve-anyway');
    expect(emulate.output().stdout).not.toContain('READY');
  });

  test('--serve-anyway serves it: the invoke API answers with its Lambda error', async () => {
    const emulate = startEmulate(['--dir', BROKEN, '--port', '0', '--url-port', '0', '--serve-anyway']);
    started.push(emulate);
    const ready = await emulate.ready();
    expect(ready.verified).toBe(false);
    // Invoke API: a function error is 200 with X-Amz-Function-Error and the error as the payload
    // (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
    const response = await fetch(ready.invokeUrl, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(((await response.json()) as { errorMessage: string }).errorMessage).toContain('broken on purpose at import');
    process.kill(-emulate.child.pid!, 'SIGTERM');
    expect(await emulate.exited).toBe(0);
  });
});
