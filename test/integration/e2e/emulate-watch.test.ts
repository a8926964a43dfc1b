// `emulate --dir <copy> --watch` as a real process, with real builds, containers and awslambdaric:
// a fixed handler is verified and swapped in on the same ports, a broken edit keeps the last good
// version serving and names Lambda's error type, and an invoke in flight during the swap completes
// on the old version. Edits go to a temporary copy of a function directory, never to lambdas/.
// Error types: https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmulateProcess, Ready, containersOwnedBy, killGroup, startEmulate } from './emulate-dir-process';

jest.setTimeout(15 * 60_000);

/** A handler that answers its version; with `waitFor` it polls that URL until it says "go" (an invoke held in flight). */
const handler = (version: string) => [
  'import time, urllib.request',
  `VERSION = ${JSON.stringify(version)}`,
  '',
  'def lambda_handler(event, context):',
  '    if event.get("waitFor"):',
  '        while urllib.request.urlopen(event["waitFor"]).read() != b"go":',
  '            time.sleep(0.05)',
  '    return {"version": VERSION}',
  '',
].join('\n');

/** The test's side of a held invoke: tells when the function started waiting, releases it on demand. */
class Gate {
  private released = false;
  private polledResolve!: () => void;
  readonly polled = new Promise<void>((resolve) => (this.polledResolve = resolve));
  private readonly server = http.createServer((_req, res) => {
    this.polledResolve();
    res.end(this.released ? 'go' : 'wait');
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }

  release(): void {
    this.released = true;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function invoke(url: string, event: unknown = {}): Promise<{ status: number; functionError: string | null; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(event) });
  return { status: response.status, functionError: response.headers.get('x-amz-function-error'), body: (await response.json()) as Record<string, unknown> };
}

/** Counts how often the output says `pattern`, so each step waits for its own line. */
function occurrences(emulate: EmulateProcess, pattern: RegExp): number {
  const { stdout, stderr } = emulate.output();
  return (stdout + stderr).match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

async function nextOccurrence(emulate: EmulateProcess, pattern: RegExp): Promise<string> {
  const seen = occurrences(emulate, pattern);
  for (;;) {
    const { stdout, stderr } = emulate.output();
    const all = [...(stdout + stderr).matchAll(new RegExp(pattern.source, 'g'))];
    if (all.length > seen) return all[seen][0];
    if (emulate.child.exitCode !== null || emulate.child.signalCode !== null) throw new Error(`emulate exited before printing ${pattern}:\n${stderr.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('emulate --dir --watch (ZIP function)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulate-watch-fn-'));
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'handler.py'), handler('v1'));
  const gate = new Gate();
  let emulate: EmulateProcess;
  let ready: Ready;
  const functionUrl = () => new URL('/any', ready.functionUrl).toString();

  beforeAll(async () => {
    emulate = startEmulate(['--dir', dir, '--watch', '--health', '/health', '--timeout', '300', '--port', '0', '--url-port', '0']);
    ready = await emulate.ready();
  });
  afterAll(async () => {
    killGroup([emulate]);
    await gate.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('serves the first version and says it watches the directory', async () => {
    expect(ready.verified).toBe(true);
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, body: { version: 'v1' } });
    expect(emulate.output().stderr).toContain(`[watch] ${ready.function}: watching ${dir}`);
  });

  test('a fixed handler is verified and swapped in on the same ports, while an invoke in flight completes on the old version', async () => {
    const gateUrl = await gate.start();
    const held = invoke(ready.invokeUrl, { waitFor: gateUrl });
    await gate.polled; // the old version is running it now

    const serving = nextOccurrence(emulate, /now serving [0-9a-f]{12}/);
    fs.writeFileSync(path.join(dir, 'handler.py'), handler('v2'));
    expect(await nextOccurrence(emulate, /change detected \(handler\.py\) -> rebuilding/)).toBeTruthy();
    await serving;
    // New invokes reach the new version through the same invoke endpoint and Function URL port.
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, body: { version: 'v2' } });
    const viaUrl = await fetch(functionUrl());
    expect(viaUrl.status).toBe(200);
    expect(await viaUrl.json()).toEqual({ version: 'v2' });

    const previousStopped = nextOccurrence(emulate, /previous version [0-9a-f]{12} stopped after finishing 1 in-flight invoke/);
    gate.release();
    expect(await held).toMatchObject({ status: 200, functionError: null, body: { version: 'v1' } });
    await previousStopped;
  });

  test('a syntax error keeps the last good version serving and prints Runtime.UserCodeSyntaxError and the fix', async () => {
    const rejected = nextOccurrence(emulate, /edit FAILED verification[^\n]*/);
    fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(event, context)\n    return {"version": "broken"}\n');
    expect(await rejected).toMatch(/\(Runtime\.UserCodeSyntaxError\); still serving the last good version [0-9a-f]{12}/);
    expect(emulate.output().stderr).toContain('fix: fix the syntax error');
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, functionError: null, body: { version: 'v2' } });
  });

  test('an import error keeps the last good version serving and prints Runtime.ImportModuleError', async () => {
    const rejected = nextOccurrence(emulate, /edit FAILED verification[^\n]*/);
    fs.writeFileSync(path.join(dir, 'handler.py'), `import not_installed_anywhere_xyz\n${handler('v3')}`);
    expect(await rejected).toContain('(Runtime.ImportModuleError)');
    expect(emulate.output().stderr).toContain("No module named 'not_installed_anywhere_xyz'");
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, body: { version: 'v2' } });
  });

  test('the next good edit is served again, and Ctrl-C (SIGTERM) leaves no container behind', async () => {
    const serving = nextOccurrence(emulate, /now serving [0-9a-f]{12}/);
    fs.writeFileSync(path.join(dir, 'handler.py'), handler('v4'));
    await serving;
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, body: { version: 'v4' } });
    process.kill(-emulate.child.pid!, 'SIGTERM');
    expect(await emulate.exited).toBe(0);
    expect(await containersOwnedBy(emulate.child.pid!)).toEqual([]);
  });
});

const IMAGE_FILES = { Dockerfile: ['ARG BASE_IMAGE', 'FROM ${BASE_IMAGE}', 'COPY handler.py /var/task/', 'CMD ["handler.lambda_handler"]', ''].join('\n') };

describe.each([
  ['an image function', IMAGE_FILES, []],
  ["a ZIP function under AWS's RIE (--engine rie)", {}, ['--engine', 'rie']],
])('emulate --dir --watch, %s', (_what, files: Record<string, string>, extraArgs: string[]) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulate-watch-more-'));
  fs.chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'handler.py'), handler('first'));
  let emulate: EmulateProcess;
  let ready: Ready;

  beforeAll(async () => {
    emulate = startEmulate(['--dir', dir, '--watch', '--port', '0', '--url-port', '0', ...extraArgs]);
    ready = await emulate.ready();
  });
  afterAll(() => {
    killGroup([emulate]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a fixed version is verified and swapped in; a broken one is not', async () => {
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, body: { version: 'first' } });
    const serving = nextOccurrence(emulate, /now serving [0-9a-f]{12}/);
    fs.writeFileSync(path.join(dir, 'handler.py'), handler('second'));
    await serving;
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, body: { version: 'second' } });

    const rejected = nextOccurrence(emulate, /edit FAILED verification[^\n]*/);
    fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(event, context)\n    return 1\n');
    expect(await rejected).toContain('(Runtime.UserCodeSyntaxError)');
    expect(await invoke(ready.invokeUrl)).toMatchObject({ status: 200, body: { version: 'second' } });
    process.kill(-emulate.child.pid!, 'SIGTERM');
    expect(await emulate.exited).toBe(0);
    expect(await containersOwnedBy(emulate.child.pid!)).toEqual([]);
  });
});
