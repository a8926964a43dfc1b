/** The pack, the report and its console form, and the CLI's argument handling (no Docker). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseInspectArgs, runInspectCli } from '../../../harness/cli/inspect';
import { DEFAULT_PACK, runRules } from '../../../harness/inspect/default-pack';
import { writeDeterministicZip } from '../../../harness/inspect/fixtures/lambda-zip-fixture';
import { formatInspectionReport } from '../../../harness/inspect/format';
import { inspectView, inspectZip } from '../../../harness/inspect/inspect';
import { InspectionRule } from '../../../harness/inspect/types';
import { buildElf } from './elf-builder';
import { TARGET, elfFile, file, zipView } from './views';

test('the default pack has one rule per concern, ids unique', () => {
  const ids = DEFAULT_PACK.map((rule) => rule.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(
    expect.arrayContaining(['zip-size', 'unzipped-size', 'image-size', 'elf-machine', 'elf-symbol-versions', 'extension-abi', 'wheel-tags', 'pycache-version', 'handler-module', 'image-user', 'image-entrypoint', 'image-base-pinned', 'environment-secrets']),
  );
});

test('only rules for the artifact kind run, and a throwing rule becomes a fail with a message', () => {
  const broken: InspectionRule = {
    id: 'broken',
    description: 'throws',
    appliesTo: ['zip'],
    check: () => {
      throw new Error('boom');
    },
  };
  const verdicts = runRules(zipView([file('handler.py')]), TARGET, [...DEFAULT_PACK, broken]);
  expect(verdicts.map((verdict) => verdict.rule)).not.toContain('image-user');
  expect(verdicts.find((verdict) => verdict.rule === 'broken')).toMatchObject({ level: 'fail', message: 'the rule itself failed: boom' });
});

test('a report passes without fails (warns allowed) and prints evidence and fix for problems', () => {
  const good = inspectView(zipView([file('handler.py'), file('a/__pycache__/x.cpython-312.pyc')]), TARGET);
  expect(good.passed).toBe(true);
  const bad = inspectView(zipView([file('handler.py'), elfFile('pkg/_core.so', { machine: 183 })]), TARGET);
  expect(bad.passed).toBe(false);
  const text = formatInspectionReport(bad);
  expect(text).toMatch(/FAIL {2}elf-machine: .*AArch64/);
  expect(text).toMatch(/pkg\/_core.so: e_machine 183/);
  expect(text).toMatch(/fix: Install the dependencies for x86_64/);
  expect(text).toMatch(/FAILED: \d+ pass, 0 warn, 1 fail/);
  expect(formatInspectionReport(bad, { showPasses: false })).not.toMatch(/PASS {2}/);
});

test('inspection options are validated before reading anything', async () => {
  await expect(inspectZip('/nonexistent.zip', { runtime: 'python3.9' as never, architecture: 'x86_64' })).rejects.toThrow(/Unsupported runtime 'python3.9'/);
});

describe('npm run inspect', () => {
  test('parses target, runtime, arch, handler and env; --function fills from the catalog', () => {
    const parsed = parseInspectArgs(['a.zip', '--runtime', 'python3.11', '--arch=arm64', '--handler', 'app.main', '--env', 'A=1', '--json']);
    expect(parsed).toMatchObject({ target: 'a.zip', json: true, options: { runtime: 'python3.11', architecture: 'arm64', handler: 'app.main', environment: { A: '1' } } });
    expect(parseInspectArgs(['a.zip', '--function', 'dashboard']).options).toMatchObject({ runtime: 'python3.13', handler: 'handler.lambda_handler' });
  });

  test.each([
    [[], /Name one artifact/],
    [['a.zip', 'b.zip'], /Name one artifact, got 2/],
    [['a.zip', '--runtime', 'python2.7'], /Unsupported runtime 'python2.7'/],
    [['a.zip', '--arch', 'mips'], /Unsupported architecture 'mips'/],
    [['a.zip', '--bogus'], /Unknown option --bogus/],
    [['a.zip', '--env', 'NOVALUE'], /--env takes NAME=VALUE/],
  ])('bad usage %j exits 2 with a clear message', async (argv, message) => {
    let err = '';
    const code = await runInspectCli(argv as string[], { out: () => undefined, err: (text) => (err += text) });
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/Usage: npm run inspect/);
  });

  test('exit 1 on a fail, 0 on a pass, 2 on an unreadable ZIP; --json prints the report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-cli-'));
    try {
      const bad = await writeDeterministicZip(path.join(dir, 'bad.zip'), new Map([['handler.py', Buffer.from('x = 1\n')], ['m/_c.so', buildElf({ machine: 183 })]]));
      const good = await writeDeterministicZip(path.join(dir, 'good.zip'), new Map([['handler.py', Buffer.from('x = 1\n')]]));
      let out = '';
      const io = { out: (text: string) => (out += text), err: () => undefined };
      expect(await runInspectCli([bad, '--handler', 'handler.lambda_handler', '--json'], io)).toBe(1);
      expect(JSON.parse(out).verdicts.find((verdict: { rule: string }) => verdict.rule === 'elf-machine').level).toBe('fail');
      expect(await runInspectCli([good, '--handler', 'handler.lambda_handler'], io)).toBe(0);
      expect(await runInspectCli([path.join(dir, 'missing.zip')], io)).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
