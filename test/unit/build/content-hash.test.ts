import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContentHashInputs, canonicalJson, computeContentHash } from '../../../harness/build/content-hash';
import { listSourceFiles } from '../../../harness/build/source-files';

describe('content hash', () => {
  let dir: string;
  let base: ContentHashInputs;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hash-'));
    fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(e, c):\n    return 1\n');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'fastapi==0.121.3\n');
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'routes.py'), 'ROUTES = []\n');
    base = {
      sourceDir: dir,
      packaging: 'zip',
      runtime: 'python3.13',
      architecture: 'x86_64',
      baseImageId: 'sha256:aaaa',
      options: { requirements: 'install' },
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is stable for the same inputs and ignores mtimes', () => {
    const first = computeContentHash(base);
    fs.utimesSync(path.join(dir, 'handler.py'), new Date('2030-01-01'), new Date('2030-01-01'));
    expect(computeContentHash(base)).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, (inputs: ContentHashInputs) => ContentHashInputs]>([
    ['a source byte', (i) => (fs.appendFileSync(path.join(dir, 'handler.py'), '#'), i)],
    ['a new source file', (i) => (fs.writeFileSync(path.join(dir, 'extra.py'), ''), i)],
    ['a renamed file', (i) => (fs.renameSync(path.join(dir, 'app', 'routes.py'), path.join(dir, 'app', 'route.py')), i)],
    ['the execute bit', (i) => (fs.chmodSync(path.join(dir, 'handler.py'), 0o755), i)],
    ['requirements.txt', (i) => (fs.writeFileSync(path.join(dir, 'requirements.txt'), 'fastapi==0.121.2\n'), i)],
    ['the runtime', (i) => ({ ...i, runtime: 'python3.11' })],
    ['the architecture', (i) => ({ ...i, architecture: 'arm64' })],
    ['the base image id', (i) => ({ ...i, baseImageId: 'sha256:bbbb' })],
    ['the packaging', (i) => ({ ...i, packaging: 'image' })],
    ['a build option', (i) => ({ ...i, options: { requirements: 'omit' } })],
  ])('changes with %s', (_label, change) => {
    const before = computeContentHash(base);
    expect(computeContentHash(change(base))).not.toBe(before);
  });

  it.each([
    ['tests/', 'tests/test_handler.py'],
    ['__pycache__/', '__pycache__/handler.cpython-313.pyc'],
    ['*.pyc', 'app/old.pyc'],
    ['.local-wheels/', '.local-wheels/torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl'],
    ['.pytest_cache/', '.pytest_cache/v/cache/lastfailed'],
  ])('does not change with files under %s', (_label, relative) => {
    const before = computeContentHash(base);
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), 'anything');
    expect(computeContentHash(base)).toBe(before);
    expect(listSourceFiles(dir).map((file) => file.relativePath)).not.toContain(relative);
  });

  it('does not depend on option key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe(canonicalJson({ a: { c: 'x', d: [1, { y: 2, z: 1 }] }, b: 1 }));
    const one = computeContentHash({ ...base, options: { a: 1, b: 2 } });
    expect(computeContentHash({ ...base, options: { b: 2, a: 1 } })).toBe(one);
  });
});
