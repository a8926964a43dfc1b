/** The tar reader on archives made by GNU tar in both GNU and pax formats (long names, links). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { TarEntry, TarFormatError, TarWant, readTar } from '../../../harness/inspect/tar-reader';
import { buildElf } from './elf-builder';
import { runProcess } from '../../../harness/process/run-process';

const LONG_DIR = `usr/lib/python3.13/site-packages/${'a_very_long_package_name_'.repeat(5)}`;

let root: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-reader-'));
  const tree = path.join(root, 'tree');
  fs.mkdirSync(path.join(tree, LONG_DIR), { recursive: true });
  fs.mkdirSync(path.join(tree, 'var/task'), { recursive: true });
  fs.writeFileSync(path.join(tree, LONG_DIR, '_native.cpython-313-x86_64-linux-gnu.so'), buildElf({ machine: 62 }));
  fs.writeFileSync(path.join(tree, 'var/task/handler.py'), 'def lambda_handler(event, context):\n    return 1\n'.repeat(50));
  fs.writeFileSync(path.join(tree, 'var/task/tiny'), 'ab');
  fs.symlinkSync('handler.py', path.join(tree, 'var/task/link.py'));
  fs.linkSync(path.join(tree, LONG_DIR, '_native.cpython-313-x86_64-linux-gnu.so'), path.join(tree, 'var/task/hard.so'));
  for (const format of ['gnu', 'pax']) {
    await runProcess('tar', [`--format=${format}`, '-C', tree, '-cf', path.join(root, `${format}.tar`), '.']);
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function read(format: string, want: (entry: TarEntry) => TarWant) {
  const seen: { entry: TarEntry; data: Buffer | undefined | 'too-large' }[] = [];
  await readTar(fs.createReadStream(path.join(root, `${format}.tar`), { highWaterMark: 700 }), {
    want,
    done: (entry, data) => seen.push({ entry, data }),
  });
  return seen;
}

describe.each(['gnu', 'pax'])('readTar (%s format)', (format) => {
  test('lists every entry with long names, symlinks and hard links', async () => {
    const seen = await read(format, () => 'skip');
    const byPath = new Map(seen.map((item) => [item.entry.path, item.entry]));
    expect(byPath.get(`${LONG_DIR}/_native.cpython-313-x86_64-linux-gnu.so`)?.type).toBe('file');
    expect(byPath.get('var/task/link.py')).toMatchObject({ type: 'symlink', linkTarget: 'handler.py' });
    const hard = [...byPath.values()].filter((entry) => entry.type === 'hardlink');
    expect(hard).toHaveLength(1);
    expect(byPath.get('var/task')?.type).toBe('directory');
  });

  test('sniff-elf keeps ELF files whole and drops the rest', async () => {
    const seen = await read(format, (entry) => (entry.type === 'file' ? 'sniff-elf' : 'skip'));
    const kept = seen.filter((item) => Buffer.isBuffer(item.data));
    expect(kept.map((item) => item.entry.path)).toHaveLength(1);
    expect((kept[0].data as Buffer).equals(buildElf({ machine: 62 }))).toBe(true);
    expect(seen.find((item) => item.entry.path === 'var/task/handler.py')?.data).toBeUndefined();
  });

  test("'all' keeps any file's content", async () => {
    const seen = await read(format, (entry) => (entry.path.endsWith('handler.py') ? 'all' : 'skip'));
    const handler = seen.find((item) => item.entry.path === 'var/task/handler.py');
    expect((handler?.data as Buffer).toString()).toMatch(/^def lambda_handler/);
  });

  test('ELF files over the limit are reported too-large, not buffered', async () => {
    const seen: (Buffer | undefined | 'too-large')[] = [];
    await readTar(
      fs.createReadStream(path.join(root, `${format}.tar`)),
      { want: (entry) => (entry.type === 'file' ? 'sniff-elf' : 'skip'), done: (entry, data) => entry.path.endsWith('.so') && seen.push(data) },
      { maxKeepBytes: 16 },
    );
    expect(seen).toContain('too-large');
  });
});

test('a tar cut short is a TarFormatError naming the entry', async () => {
  const whole = fs.readFileSync(path.join(root, 'gnu.tar'));
  const cut = whole.subarray(0, 512 + 10);
  await expect(readTar(Readable.from([cut]), { want: () => 'skip', done: () => undefined })).rejects.toThrow(TarFormatError);
});
