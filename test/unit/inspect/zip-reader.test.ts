/** The ZIP reader on archives written by the tests (synthetic ELF files, WHEEL metadata). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DIRECTORY_MODE, EXECUTABLE_MODE, FILE_MODE, readZipEntries } from '../../../harness/build/deterministic-zip';
import { writeDeterministicZip } from '../../../harness/inspect/fixtures/lambda-zip-fixture';
import { ZipReadError, readZipView } from '../../../harness/inspect/zip-reader';
import { buildElf } from './elf-builder';

let dir: string;
let zipPath: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-reader-'));
  zipPath = path.join(dir, 'function.zip');
  await writeDeterministicZip(
    zipPath,
    new Map([
      ['handler.py', Buffer.from('def lambda_handler(event, context):\n    return {"ok": True}\n')],
      // ELF by its bytes, whatever the name says.
      ['bin/tool', buildElf({ type: 2, machine: 183 })],
      ['pkg/_core.cpython-313-x86_64-linux-gnu.so', buildElf({ needs: [{ library: 'libc.so.6', versions: ['GLIBC_2.17'] }] })],
      ['pkg/not-really.so', Buffer.from('this is a text file that only pretends to be a shared object by name')],
      ['pkg-1.0.dist-info/WHEEL', Buffer.from('Wheel-Version: 1.0\nTag: cp313-cp313-manylinux_2_17_x86_64\n')],
      ['pkg/broken.so', buildElf({ needs: [{ library: 'libc.so.6', versions: ['GLIBC_2.17'] }] }).subarray(0, 80)],
    ]),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('finds ELF files by magic bytes, not by name', async () => {
  const view = await readZipView(zipPath);
  const elves = Object.fromEntries(view.files.filter((file) => file.elf).map((file) => [file.path, file.elf!.machine]));
  expect(elves).toEqual({ 'bin/tool': 183, 'pkg/_core.cpython-313-x86_64-linux-gnu.so': 62 });
  expect(view.files.find((file) => file.path === 'pkg/_core.cpython-313-x86_64-linux-gnu.so')?.elf?.versionNeeds).toEqual([
    { library: 'libc.so.6', versions: ['GLIBC_2.17'] },
  ]);
});

test('records sizes, WHEEL tags, and unreadable ELF files', async () => {
  const view = await readZipView(zipPath);
  expect(view.kind).toBe('zip');
  expect(view.codeRoot).toBe('');
  expect(view.zippedBytes).toBe(fs.statSync(zipPath).size);
  expect(view.unzippedBytes).toBe(view.files.reduce((sum, file) => sum + file.size, 0));
  expect(view.wheels).toEqual([{ path: 'pkg-1.0.dist-info/WHEEL', tags: ['cp313-cp313-manylinux_2_17_x86_64'] }]);
  expect(view.files.find((file) => file.path === 'pkg/broken.so')?.elfError).toMatch(/truncated/);
});

test("the fixture's archive comes from the build's writer: directories listed, shared libraries 0755 as pip installs them", async () => {
  const modes = Object.fromEntries((await readZipEntries(zipPath)).map((entry) => [entry.name, entry.mode]));
  expect(modes).toMatchObject({ 'bin/': DIRECTORY_MODE, 'bin/tool': FILE_MODE, 'handler.py': FILE_MODE, 'pkg/not-really.so': EXECUTABLE_MODE });
  expect(modes['pkg/_core.cpython-313-x86_64-linux-gnu.so']).toBe(EXECUTABLE_MODE);
});

test('a missing file or a non-ZIP is a ZipReadError that says what to check', async () => {
  await expect(readZipView(path.join(dir, 'absent.zip'))).rejects.toThrow(/no such file/);
  const notZip = path.join(dir, 'not.zip');
  fs.writeFileSync(notZip, 'plain text');
  await expect(readZipView(notZip)).rejects.toThrow(ZipReadError);
});
