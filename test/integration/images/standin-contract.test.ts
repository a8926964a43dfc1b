/**
 * The local stand-in keeps the official Lambda image's contract, against the real Docker engine
 * and the real awslambdaric. (AWS itself cannot be reached: the tiny Runtime API below stands
 * in for Lambda's service side only, to watch the real client import a handler from /var/task.)
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { RuntimeBase } from '../../../harness/build/artifact';
import { ensureDockerEngine, imageExists, inspectImage, removeContainer } from '../../../harness/docker/engine';
import { ContainerExitError, HarnessContainer, runToCompletion } from '../../../harness/docker/harness-container';
import { resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { runtimeFacts } from '../../../model/runtimes';

// Building a stand-in from scratch (debootstrap + pip) takes minutes on a fresh machine.
jest.setTimeout(15 * 60 * 1000);

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function sh(image: string, script: string): Promise<string> {
  const { stdout } = await runToCompletion(new HarnessContainer(image, 'standin-contract').withEntrypoint(['/bin/sh']).withCommand(['-c', script]));
  return stdout;
}

describe('lambda-standin/python:3.13 keeps the Lambda image contract', () => {
  let base: RuntimeBase;
  const containers: string[] = [];

  beforeAll(async () => {
    await ensureDockerEngine(); // fails loudly, with how to start one, when no engine answers
    base = await resolveRuntimeBase('python3.13', 'x86_64', 'standin', log);
  });
  afterAll(async () => {
    for (const id of containers) await removeContainer(id).catch(() => undefined);
  });

  it('is named honestly and says what it is', async () => {
    expect(base.kind).toBe('standin');
    expect(base.image).toBe('lambda-standin/python:3.13');
    expect(base.buildImage).toBe('lambda-standin/python:3.13-build');
    expect(base.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(base.description).toMatch(/^stand-in lambda-standin\/python:3\.13 \(Debian trixie, Python 3\.13\.\d+, awslambdaric \d+\.\d+\.\d+\)$/);
    expect((await inspectImage(base.image))?.Config.Labels['org.opencontainers.image.title']).toMatch(/STAND-IN/);
  });

  it('has python 3.13 at /var/lang/bin/python3.13, a non-root user 993, /var/task and the runtime files', async () => {
    const out = await sh(
      base.image,
      [
        '/var/lang/bin/python3.13 -c "import platform; print(platform.python_version())"',
        'id -u; id -g; id -un',
        'pwd',
        'test -x /lambda-entrypoint.sh && echo entrypoint-ok',
        'test -x /var/runtime/bootstrap && echo bootstrap-ok',
        'python3 -c "import awslambdaric, boto3, botocore; print(\'imports-ok\', awslambdaric.__file__, boto3.__file__)"',
      ].join('; '),
    );
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^3\.13\.\d+$/);
    expect(lines.slice(1, 4)).toEqual(['993', '993', 'sbx_user1051']);
    expect(lines[4]).toBe('/var/task');
    expect(lines).toContain('entrypoint-ok');
    expect(lines).toContain('bootstrap-ok');
    expect(lines.find((line) => line.startsWith('imports-ok'))).toMatch(/imports-ok \/var\/runtime\/awslambdaric\/__init__\.py \/var\/runtime\/boto3\/__init__\.py/);
    const config = (await inspectImage(base.image))?.Config;
    expect([config?.Entrypoint, config?.User, config?.WorkingDir]).toEqual([['/lambda-entrypoint.sh'], 'sbx_user1051', '/var/task']);
  });

  it('sets the Lambda environment variables', async () => {
    const env = Object.fromEntries(
      (await sh(base.image, 'env'))
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      LAMBDA_TASK_ROOT: '/var/task',
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      TZ: ':UTC',
      AWS_EXECUTION_ENV: 'AWS_Lambda_python3.13',
      AWS_REGION: expect.any(String),
      AWS_DEFAULT_REGION: expect.any(String),
      AWS_LAMBDA_FUNCTION_NAME: expect.any(String),
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: expect.stringMatching(/^\d+$/),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: expect.stringMatching(/^\/aws\/lambda\//),
      AWS_LAMBDA_LOG_STREAM_NAME: expect.any(String),
      LANG: expect.stringMatching(/UTF-8/),
    });
    expect(env.PATH.split(':')[0]).toBe('/var/lang/bin');
    expect(env.LD_LIBRARY_PATH.split(':')).toEqual(expect.arrayContaining(['/var/lang/lib', '/var/runtime', '/var/task', '/opt/lib']));
  });

  it('refuses to start without AWS_LAMBDA_RUNTIME_API, saying why (no emulator inside)', async () => {
    const failure = await runToCompletion(new HarnessContainer(base.image, 'standin-contract').withCommand(['handler.lambda_handler'])).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ContainerExitError);
    expect((failure as ContainerExitError).stderr).toMatch(/AWS_LAMBDA_RUNTIME_API is not set.*no Runtime Interface Emulator/);
  });

  it('runs the real awslambdaric: imports the handler from /var/task first and posts its result', async () => {
    const taskDir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-task-'));
    fs.chmodSync(taskDir, 0o755);
    // A module named like a runtime package: /var/task must win over /var/runtime.
    fs.writeFileSync(
      path.join(taskDir, 'app.py'),
      'import os, sys\nimport boto3\n\ndef handler(event, context):\n    return {"path": sys.path[:4], "cwd": os.getcwd(), "boto3": boto3.__file__, "echo": event, "fn": context.function_name}\n',
    );
    fs.mkdirSync(path.join(taskDir, 'boto3'));
    fs.writeFileSync(path.join(taskDir, 'boto3', '__init__.py'), '# the function\'s own boto3 shadows the runtime\'s\n');
    const served: { body?: string; path?: string } = {};
    let handedOut = false;
    const server = http.createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/2018-06-01/runtime/invocation/next') {
        if (handedOut) return; // hold the long-poll open: one invoke is enough
        handedOut = true;
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Lambda-Runtime-Aws-Request-Id': 'req-standin-1',
          'Lambda-Runtime-Deadline-Ms': String(Date.now() + 60_000),
          'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:000000000000:function:contract',
        });
        res.end(JSON.stringify({ hello: 'standin' }));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        served.path = req.url;
        served.body = Buffer.concat(chunks).toString();
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const started = await new HarnessContainer(base.image, 'standin-contract')
        .withNetworkMode('host')
        .withBindMounts([{ source: taskDir, target: '/var/task', mode: 'ro' }])
        .withEnvironment({ AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, AWS_LAMBDA_FUNCTION_NAME: 'contract' })
        .withCommand(['app.handler'])
        .start();
      containers.push(started.getId());
      for (let i = 0; i < 300 && served.body === undefined; i += 1) await new Promise((r) => setTimeout(r, 100));
      expect(served.path).toBe('/2018-06-01/runtime/invocation/req-standin-1/response');
      const result = JSON.parse(served.body ?? '{}');
      expect(result.echo).toEqual({ hello: 'standin' });
      expect(result.fn).toBe('contract');
      expect(result.cwd).toBe('/var/task');
      expect(result.path[0]).toBe('/var/task');
      expect(result.path.indexOf('/var/task')).toBeLessThan(result.path.indexOf('/var/runtime'));
      expect(result.boto3).toBe('/var/task/boto3/__init__.py');
    } finally {
      server.closeAllConnections();
      server.close();
      fs.rmSync(taskDir, { recursive: true, force: true });
    }
  });

  it('base choice "official" either finds the official image or fails saying how to get it', async () => {
    const official = runtimeFacts('python3.13').officialImage;
    if (await imageExists(official)) {
      await expect(resolveRuntimeBase('python3.13', 'x86_64', 'official')).resolves.toMatchObject({ kind: 'official', image: official });
    } else {
      await expect(resolveRuntimeBase('python3.13', 'x86_64', 'official')).rejects.toThrow(/could not be pulled[\s\S]*--base standin/);
    }
  });

  it('rejects arm64 on an x86_64 host when the official arm64 image is not there', async () => {
    if (process.arch !== 'x64') return expect(process.arch).toBe('arm64');
    await expect(resolveRuntimeBase('python3.13', 'arm64', 'standin')).rejects.toThrow(/this machine is x86_64/);
  });
});

describe.each([
  ['python3.13', '2.34', '2.35'],
  ['python3.11', '2.26', '2.27'],
] as const)('the %s build variant caps pip at the target glibc', (runtime, allowed, refused) => {
  let base: RuntimeBase;
  beforeAll(async () => {
    base = await resolveRuntimeBase(runtime, 'x86_64', 'standin', log);
  });

  it(`answers PEP 600 for the target (${runtimeFacts(runtime).os}, glibc ${allowed})`, async () => {
    const [amajor, aminor] = allowed.split('.');
    const [rmajor, rminor] = refused.split('.');
    const out = await sh(
      base.buildImage,
      `python3 -c "import _manylinux as m; print(m.manylinux_compatible(${amajor}, ${aminor}, 'x86_64'), m.manylinux_compatible(${rmajor}, ${rminor}, 'x86_64'), m.manylinux_compatible(2, 17, 'x86_64'))"; id -u`,
    );
    expect(out.trim().split('\n')).toEqual(['True False True', '0']);
  });

  it(`pip's own tag list stops at manylinux_${allowed.replace('.', '_')} although the image's glibc is newer`, async () => {
    const out = await sh(base.buildImage, 'python3 -m pip debug --verbose 2>/dev/null; ldd --version | head -1');
    expect(out).toContain(`manylinux_${allowed.replace('.', '_')}_x86_64`);
    expect(out).toContain('manylinux2014_x86_64');
    expect(out).not.toContain(`manylinux_${refused.replace('.', '_')}_x86_64`);
    const glibc = /(\d+\.\d+)\s*$/.exec(out.trim().split('\n').pop() ?? '')?.[1] ?? '0';
    expect(Number(glibc.split('.')[1])).toBeGreaterThan(Number(refused.split('.')[1])); // the cap is not the image's own glibc
  });
});
