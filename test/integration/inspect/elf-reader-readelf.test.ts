/**
 * Our ELF reader against binutils' readelf (used here as the oracle only, never on the hot
 * path) on real binaries: a PyPI wheel's extension, the host's libc and its own programs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadWheels } from '../../../harness/inspect/fixtures/lambda-zip-fixture';
import { parseElf } from '../../../harness/inspect/elf-reader';
import { readZipView } from '../../../harness/inspect/zip-reader';

jest.setTimeout(10 * 60 * 1000);

function readelf(args: string[], file: string): string {
  try {
    return execFileSync('readelf', ['--wide', ...args, file], { encoding: 'utf8' });
  } catch (error) {
    throw new Error(`readelf (binutils) is needed as the oracle for this test: apt-get install -y binutils. (${(error as Error).message})`);
  }
}

/** readelf -V: "File: libc.so.6" then "Name: GLIBC_2.14" lines, in the .gnu.version_r section. */
function readelfNeeds(file: string): { library: string; versions: string[] }[] {
  const text = readelf(['-V'], file);
  const section = text.split(/Version needs section/)[1] ?? '';
  const needs: { library: string; versions: string[] }[] = [];
  for (const line of section.split('\n')) {
    const fileMatch = /File: (\S+)/.exec(line);
    const nameMatch = /Name: (\S+)/.exec(line);
    if (fileMatch) needs.push({ library: fileMatch[1], versions: [] });
    else if (nameMatch && needs.length > 0) needs[needs.length - 1].versions.push(nameMatch[1]);
  }
  return needs;
}

function readelfMachine(file: string): number {
  const text = readelf(['-h'], file);
  if (/Machine:\s+Advanced Micro Devices X86-64/.test(text)) return 62;
  if (/Machine:\s+AArch64/.test(text)) return 183;
  throw new Error(`unexpected readelf -h output:\n${text}`);
}

const HOST_FILES = ['/bin/ls', '/usr/bin/python3', ...['/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib/x86_64-linux-gnu/libz.so.1'].filter((file) => fs.existsSync(file))];

test.each(HOST_FILES)('host binary %s: machine and version needs agree with readelf', (file) => {
  const real = fs.realpathSync(file);
  const info = parseElf(fs.readFileSync(real));
  expect(info.machine).toBe(readelfMachine(real));
  expect(info.versionNeeds.map((need) => ({ library: need.library, versions: [...need.versions].sort() }))).toEqual(
    readelfNeeds(real).map((need) => ({ ...need, versions: need.versions.sort() })),
  );
});

test("the host libc's version definitions agree with readelf", () => {
  const libc = fs.realpathSync(fs.existsSync('/lib/x86_64-linux-gnu/libc.so.6') ? '/lib/x86_64-linux-gnu/libc.so.6' : '/lib/aarch64-linux-gnu/libc.so.6');
  const ours = parseElf(fs.readFileSync(libc)).versionDefinitions;
  const section = readelf(['-V'], libc).split(/Version definition section/)[1].split(/Version needs section/)[0];
  const theirs = [...section.matchAll(/Flags: none\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)/g)].map((match) => match[1]);
  expect(theirs.length).toBeGreaterThan(10);
  expect(ours).toEqual(theirs);
});

test.each(['manylinux2014_x86_64', 'manylinux2014_aarch64'])('pydantic_core %s wheel: the ZIP reader agrees with readelf', async (platform) => {
  const [wheel] = await downloadWheels({ name: 'readelf', requirements: ['pydantic_core==2.41.5'], noDeps: true, platform, pythonVersion: '3.13' });
  const view = await readZipView(wheel); // a wheel is a ZIP
  const extension = view.files.find((file) => file.elf)!;
  expect(extension.path).toMatch(/^pydantic_core\/_pydantic_core\.cpython-313-(x86_64|aarch64)-linux-gnu\.so$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readelf-'));
  try {
    execFileSync('python3', ['-m', 'zipfile', '-e', wheel, dir]);
    const extracted = path.join(dir, extension.path);
    expect(extension.elf!.machine).toBe(readelfMachine(extracted));
    expect(extension.elf!.versionNeeds).toEqual(readelfNeeds(extracted));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
