import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DIRECTORY_MODE,
  EXECUTABLE_MODE,
  FILE_MODE,
  createDeterministicZip,
  createDeterministicZipOfFiles,
  extractZip,
  readZipEntries,
} from '../../../harness/build/deterministic-zip';

function makeTree(root: string): void {
  fs.mkdirSync(path.join(root, 'pkg', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'handler.py'), 'def lambda_handler(event, context):\n    return 1\n');
  fs.writeFileSync(path.join(root, 'pkg', '__init__.py'), '');
  fs.writeFileSync(path.join(root, 'pkg', 'sub', 'data.bin'), Buffer.from([0, 1, 2, 3, 255]));
  fs.writeFileSync(path.join(root, 'B_upper.txt'), 'upper-case sorts before lower-case in byte order');
  fs.writeFileSync(path.join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  fs.chmodSync(path.join(root, 'run.sh'), 0o700);
  fs.chmodSync(path.join(root, 'handler.py'), 0o600);
}

describe('deterministic zip', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'det-zip-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('produces the same bytes for the same tree, even after mtimes and creation order change', async () => {
    const first = path.join(dir, 'a');
    makeTree(first);
    const one = await createDeterministicZip(first, path.join(dir, 'one.zip'));

    // Same content, created later, in another order, with other mtimes.
    const second = path.join(dir, 'b');
    fs.mkdirSync(path.join(second, 'pkg', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(second, 'run.sh'), '#!/bin/sh\necho hi\n');
    fs.chmodSync(path.join(second, 'run.sh'), 0o755);
    fs.writeFileSync(path.join(second, 'B_upper.txt'), 'upper-case sorts before lower-case in byte order');
    fs.writeFileSync(path.join(second, 'pkg', 'sub', 'data.bin'), Buffer.from([0, 1, 2, 3, 255]));
    fs.writeFileSync(path.join(second, 'pkg', '__init__.py'), '');
    fs.writeFileSync(path.join(second, 'handler.py'), 'def lambda_handler(event, context):\n    return 1\n');
    fs.utimesSync(path.join(second, 'handler.py'), new Date('2031-05-05T10:00:00Z'), new Date('2031-05-05T10:00:00Z'));
    const two = await createDeterministicZip(second, path.join(dir, 'two.zip'));

    expect(two.sha256).toBe(one.sha256);
    expect(fs.readFileSync(path.join(dir, 'two.zip')).equals(fs.readFileSync(path.join(dir, 'one.zip')))).toBe(true);
    expect(one.bytes).toBe(fs.statSync(path.join(dir, 'one.zip')).size);
  });

  it('changes bytes when a file changes', async () => {
    const tree = path.join(dir, 'a');
    makeTree(tree);
    const before = await createDeterministicZip(tree, path.join(dir, 'before.zip'));
    fs.appendFileSync(path.join(tree, 'handler.py'), '# changed\n');
    const after = await createDeterministicZip(tree, path.join(dir, 'after.zip'));
    expect(after.sha256).not.toBe(before.sha256);
  });

  it('stores entries sorted by path, with fixed modes, the DOS epoch and no extra fields', async () => {
    const tree = path.join(dir, 'a');
    makeTree(tree);
    const zipPath = path.join(dir, 'out.zip');
    await createDeterministicZip(tree, zipPath);
    const entries = await readZipEntries(zipPath);

    const names = entries.map((entry) => entry.name);
    expect(names).toEqual(['B_upper.txt', 'handler.py', 'pkg/', 'pkg/__init__.py', 'pkg/sub/', 'pkg/sub/data.bin', 'run.sh']);
    const byName = Object.fromEntries(entries.map((entry) => [entry.name, entry]));
    expect(byName['handler.py'].mode).toBe(FILE_MODE); // was 0600 on disk
    expect(byName['run.sh'].mode).toBe(EXECUTABLE_MODE); // was 0700 on disk
    expect(byName['pkg/'].mode).toBe(DIRECTORY_MODE);
    for (const entry of entries) {
      // DOS date 1980-01-01 = (0 << 9) | (1 << 5) | 1 = 33; time 00:00:00 = 0
      expect({ name: entry.name, date: entry.dosDate, time: entry.dosTime, extra: entry.extraFieldLength }).toEqual({
        name: entry.name,
        date: 33,
        time: 0,
        extra: 0,
      });
    }
  });

  it('zips in-memory files (the fixtures built from wheels) into the same bytes as the same files on disk', async () => {
    const tree = path.join(dir, 'a');
    makeTree(tree);
    const fromTree = await createDeterministicZip(tree, path.join(dir, 'tree.zip'));
    const files = new Map([
      ['run.sh', fs.readFileSync(path.join(tree, 'run.sh'))],
      ['pkg/sub/data.bin', fs.readFileSync(path.join(tree, 'pkg', 'sub', 'data.bin'))],
      ['handler.py', fs.readFileSync(path.join(tree, 'handler.py'))],
      ['pkg/__init__.py', fs.readFileSync(path.join(tree, 'pkg', '__init__.py'))],
      ['B_upper.txt', fs.readFileSync(path.join(tree, 'B_upper.txt'))],
    ]);
    // Given in another order; the parent directories come from the paths.
    const fromMemory = await createDeterministicZipOfFiles(files, path.join(dir, 'memory.zip'), (name) => name === 'run.sh');
    expect(fromMemory.sha256).toBe(fromTree.sha256);
    expect(fromMemory.entries).toBe(fromTree.entries);
  });

  it('extracts to a tree with the archived content and modes', async () => {
    const tree = path.join(dir, 'a');
    makeTree(tree);
    const zipPath = path.join(dir, 'out.zip');
    await createDeterministicZip(tree, zipPath);
    const target = path.join(dir, 'x');
    await extractZip(zipPath, target);
    expect(fs.readFileSync(path.join(target, 'pkg', 'sub', 'data.bin'))).toEqual(Buffer.from([0, 1, 2, 3, 255]));
    expect(fs.statSync(path.join(target, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(target, 'handler.py')).mode & 0o777).toBe(0o644);
  });
});
