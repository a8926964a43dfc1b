/**
 * Cached static inspection (issue 11): a verdict is reused only for the same bytes, target and
 * rule-pack version, says when it was judged, and a changed rule (a new rule-pack version),
 * `force` or other bytes inspect again. Rules that judge the run's environment run every time.
 * Real ZIPs and the real default pack; no Docker (images: test/integration/inspect/image-layers.test.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDeterministicZip } from '../../../harness/build/deterministic-zip';
import { KeyedCache, cacheKey } from '../../../harness/build/keyed-cache';
import { ENVIRONMENT_RULES, inspectCached } from '../../../harness/inspect/inspection-cache';
import { JUDGING_SOURCES, rulePackVersion } from '../../../harness/inspect/rule-pack-version';
import { inspectZip } from '../../../harness/inspect/inspect';

const OPTIONS = { runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler' } as const;

let scratch: string;
let workDir: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-cache-'));
  workDir = path.join(scratch, 'work');
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function zipOf(name: string, files: Record<string, string>): Promise<{ kind: 'zip'; zipPath: string; sha256: string }> {
  const root = path.join(scratch, name);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  const zip = await createDeterministicZip(root, path.join(scratch, `${name}.zip`));
  return { kind: 'zip', zipPath: zip.zipPath, sha256: zip.sha256 };
}

test('the first inspection runs and is stored; the second reuses its verdict and says when it was judged', async () => {
  const zip = await zipOf('fn', { 'handler.py': 'def lambda_handler(event, context):\n    return {}\n' });
  const first = await inspectCached(zip, OPTIONS, { workDir, rulePackVersion: 'r1-test' });
  expect(first.cachedAt).toBeUndefined();
  expect(first.report.passed).toBe(true);
  const second = await inspectCached(zip, OPTIONS, { workDir, rulePackVersion: 'r1-test' });
  expect(second.cachedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // The same verdicts, in the pack's order, as an uncached inspection of the same bytes.
  const fresh = await inspectZip(zip.zipPath, OPTIONS);
  expect(second.report.verdicts.map((v) => [v.rule, v.level, v.message])).toEqual(fresh.verdicts.map((v) => [v.rule, v.level, v.message]));
});

test('a changed rule pack re-inspects, and so does force', async () => {
  const zip = await zipOf('fn', { 'handler.py': 'def lambda_handler(event, context):\n    return {}\n' });
  await inspectCached(zip, OPTIONS, { workDir, rulePackVersion: 'r1-aaaa' });
  expect((await inspectCached(zip, OPTIONS, { workDir, rulePackVersion: 'r1-bbbb' })).cachedAt).toBeUndefined();
  expect((await inspectCached(zip, OPTIONS, { workDir, rulePackVersion: 'r1-bbbb' })).cachedAt).toBeDefined();
  expect((await inspectCached(zip, OPTIONS, { workDir, rulePackVersion: 'r1-bbbb', force: true })).cachedAt).toBeUndefined();
});

test('other bytes or another target are another key: the verdict is judged for them', async () => {
  const good = await zipOf('good', { 'handler.py': 'def lambda_handler(event, context):\n    return {}\n' });
  const noHandler = await zipOf('bad', { 'other.py': 'x = 1\n' });
  await inspectCached(good, OPTIONS, { workDir, rulePackVersion: 'v' });
  const bad = await inspectCached(noHandler, OPTIONS, { workDir, rulePackVersion: 'v' });
  expect(bad.cachedAt).toBeUndefined();
  expect(bad.report.passed).toBe(false);
  expect(bad.report.verdicts.find((v) => v.rule === 'handler-module')?.level).toBe('fail');
  expect((await inspectCached(good, { ...OPTIONS, handler: 'app.handler' }, { workDir, rulePackVersion: 'v' })).cachedAt).toBeUndefined();
});

test('environment rules are judged on every run, even when the byte verdicts are cached', async () => {
  expect([...ENVIRONMENT_RULES]).toEqual(['environment-secrets']);
  const zip = await zipOf('fn', { 'handler.py': 'def lambda_handler(event, context):\n    return {}\n' });
  await inspectCached(zip, { ...OPTIONS, environment: { TABLE: 'items' } }, { workDir, rulePackVersion: 'v' });
  const leaked = await inspectCached(zip, { ...OPTIONS, environment: { API_KEY: 'plain-text-value' } }, { workDir, rulePackVersion: 'v' });
  expect(leaked.cachedAt).toBeDefined();
  expect(leaked.report.passed).toBe(false);
  expect(leaked.report.verdicts.find((v) => v.rule === 'environment-secrets')?.level).toBe('fail');
});

test("the catalog's acknowledgements are applied on every run, to cached verdicts too (configuration, not bytes)", async () => {
  const noHandler = await zipOf('bad', { 'other.py': 'x = 1\n' });
  expect((await inspectCached(noHandler, OPTIONS, { workDir, rulePackVersion: 'v' })).report.passed).toBe(false);
  const acknowledged = await inspectCached(noHandler, {
    ...OPTIONS, functionName: 'fn', acknowledgements: [{ rule: 'handler-module', reason: 'the handler is provided by a layer here' }],
  }, { workDir, rulePackVersion: 'v' });
  expect(acknowledged.cachedAt).toBeDefined();
  expect(acknowledged.report.passed).toBe(true);
  expect(acknowledged.report.verdicts.find((v) => v.rule === 'handler-module')).toMatchObject({ level: 'fail', acknowledged: 'the handler is provided by a layer here' });
});

test('the rule-pack version is a hash of the rules and readers: editing a rule changes it', () => {
  const copy = path.join(scratch, 'inspect');
  fs.cpSync(path.join(__dirname, '../../../harness/inspect'), copy, { recursive: true });
  const before = rulePackVersion(copy);
  expect(before).toMatch(/^r\d+-[0-9a-f]{16}$/);
  expect(rulePackVersion(copy)).toBe(before);
  fs.appendFileSync(path.join(copy, 'rules', 'handler-module.ts'), '\n// a changed rule\n');
  expect(rulePackVersion(copy)).not.toBe(before);
});

describe('keyed cache', () => {
  test('a record is found by the same inputs only, and the oldest entries are trimmed', () => {
    const cache = new KeyedCache<number>(path.join(scratch, 'kinds'), 2);
    cache.write({ a: 1, b: 2 }, 12);
    expect(cache.read({ b: 2, a: 1 })?.value).toBe(12);
    expect(cache.read({ a: 1, b: 3 })).toBeUndefined();
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(cache.dir, `${cacheKey({ a: 1, b: 2 })}.json`), old, old);
    cache.write({ c: 1 }, 1);
    cache.write({ c: 2 }, 2);
    expect(cache.read({ a: 1, b: 2 })).toBeUndefined();
    expect(cache.read({ c: 2 })?.value).toBe(2);
  });

  test('an unreadable entry is a miss, not a crash', () => {
    const cache = new KeyedCache<number>(path.join(scratch, 'kinds'));
    cache.write({ a: 1 }, 1);
    fs.writeFileSync(path.join(cache.dir, `${cacheKey({ a: 1 })}.json`), '{not json');
    expect(cache.read({ a: 1 })).toBeUndefined();
  });
});

test('every source the rule-pack version hashes exists (a moved file would silently hash as "missing")', () => {
  const inspectDir = path.join(__dirname, '..', '..', '..', 'harness', 'inspect');
  const missing = JUDGING_SOURCES.filter((relative) => !fs.existsSync(path.join(inspectDir, relative)));
  expect(missing).toEqual([]);
});
