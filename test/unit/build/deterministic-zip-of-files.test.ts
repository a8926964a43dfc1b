/**
 * The ZIP writer's in-memory entry point (for fixtures built from wheels): the same archive as
 * the tree writer makes of the same files, so every ZIP in the project comes from one writer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DIRECTORY_MODE,
  EXECUTABLE_MODE,
  FILE_MODE,
  createDeterministicZip,
  createDeterministicZipOfFiles,
  readZipEntries,
} from '../../../harness/build/deterministic-zip';
import { writeDeterministicZip } from '../../../harness/inspect/fixtures/lambda-zip-fixture';

const FILES = new Map<string, Buffer>([
  ['pkg/sub/_native.cpython-313-x86_64-linux-gnu.so', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  ['handler.py', Buffer.from('def lambda_handler(event, context):\n    return 1\n')],
  ['pkg/__init__.py', Buffer.alloc(0)],
  ['B_upper.txt', Buffer.from('upper-case sorts before lower-case in byte order')],
]);
const isSharedLibrary = (name: string) => name.endsWith('.so');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-of-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('in-memory files give byte for byte the archive the tree writer makes of them on disk', async () => {
  const tree = path.join(dir, 'tree');
  for (const [name, content] of FILES) {
    fs.mkdirSync(path.dirname(path.join(tree, name)), { recursive: true });
    fs.writeFileSync(path.join(tree, name), content, { mode: isSharedLibrary(name) ? 0o755 : 0o644 });
  }
  const fromTree = await createDeterministicZip(tree, path.join(dir, 'tree.zip'));
  const fromMemory = await createDeterministicZipOfFiles(FILES, path.join(dir, 'memory.zip'), isSharedLibrary);
  expect(fromMemory.sha256).toBe(fromTree.sha256);
  expect(fromMemory.entries).toBe(fromTree.entries);
});

test("entries are sorted in byte order, with their parent directories, and each gets its fixed mode", async () => {
  await createDeterministicZipOfFiles(FILES, path.join(dir, 'out.zip'), isSharedLibrary);
  const entries = await readZipEntries(path.join(dir, 'out.zip'));
  expect(entries.map((entry) => [entry.name, entry.mode])).toEqual([
    ['B_upper.txt', FILE_MODE],
    ['handler.py', FILE_MODE],
    ['pkg/', DIRECTORY_MODE],
    ['pkg/__init__.py', FILE_MODE],
    ['pkg/sub/', DIRECTORY_MODE],
    ['pkg/sub/_native.cpython-313-x86_64-linux-gnu.so', EXECUTABLE_MODE],
  ]);
  expect(entries.every((entry) => entry.extraFieldLength === 0)).toBe(true);
});

test('the inspection fixtures write through it: shared libraries executable, as pip installs them', async () => {
  const zipPath = await writeDeterministicZip(path.join(dir, 'fixture.zip'), new Map([
    ['m/_c.so', Buffer.from('elf')],
    ['m/libx.so.1', Buffer.from('elf')],
    ['m/__init__.py', Buffer.from('')],
  ]));
  const modes = Object.fromEntries((await readZipEntries(zipPath)).map((entry) => [entry.name, entry.mode]));
  expect(modes).toEqual({ 'm/': DIRECTORY_MODE, 'm/__init__.py': FILE_MODE, 'm/_c.so': EXECUTABLE_MODE, 'm/libx.so.1': EXECUTABLE_MODE });
});
