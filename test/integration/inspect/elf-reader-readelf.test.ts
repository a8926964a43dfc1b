/**
 * Our ELF reader against binutils' readelf (used here as the oracle only, never on the hot
 * path) on real binaries: a PyPI wheel's extension, the host's libc and its own programs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadWheels } from '../../../harness/inspect/fixtures/lambda-zip-fixture';
import { parseElf } from '../../../harness/inspect/elf-reader';
import { readZipView } from '../../../harness/inspect/zip-reader';
import { runProcess } from '../../../harness/process/run-process';

jest.setTimeout(10 * 60 * 1000);

async function readelf(args: string[], file: string): Promise<string> {
  const result = await runProcess('readelf', ['--wide', ...args, file], {
    hint: 'readelf (binutils) is needed as the oracle for this test: apt-get install -y binutils.',
  });
  return result.stdout;
}

/** readelf -V: "File: libc.so.6" then "Name: GLIBC_2.14" lines, in the .gnu.version_r section. */
async function readelfNeeds(file: string): Promise<{ library: string; versions: string[] }[]> {
  const text = await readelf(['-V'], file);
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

async function readelfMachine(file: string): Promise<number> {
  const text = await readelf(['-h'], file);
  if (/Machine:\s+Advanced Micro Devices X86-64/.test(text)) return 62;
  if (/Machine:\s+AArch64/.test(text)) return 183;
  throw new Error(`unexpected readelf -h output:\n${text}`);
}

const HOST_FILES = ['/bin/ls', '/usr/bin/python3', ...['/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib/x86_64-linux-gnu/libz.so.1'].filter((file) => fs.existsSync(file))];

test.each(HOST_FILES)('host binary %s: machine and version needs agree with readelf', async (file) => {
  const real = fs.realpathSync(file);
  const info = parseElf(fs.readFileSync(real));
  expect(info.machine).toBe(await readelfMachine(real));
  expect(info.versionNeeds.map((need) => ({ library: need.library, versions: [...need.versions].sort() }))).toEqual(
    (await readelfNeeds(real)).map((need) => ({ ...need, versions: need.versions.sort() })),
  );
});

test("the host libc's version definitions agree with readelf", async () => {
  const libc = fs.realpathSync(fs.existsSync('/lib/x86_64-linux-gnu/libc.so.6') ? '/lib/x86_64-linux-gnu/libc.so.6' : '/lib/aarch64-linux-gnu/libc.so.6');
  const ours = parseElf(fs.readFileSync(libc)).versionDefinitions;
  const section = (await readelf(['-V'], libc)).split(/Version definition section/)[1].split(/Version needs section/)[0];
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
    await runProcess('python3', ['-m', 'zipfile', '-e', wheel, dir]);
    const extracted = path.join(dir, extension.path);
    expect(extension.elf!.machine).toBe(await readelfMachine(extracted));
    expect(extension.elf!.versionNeeds).toEqual(await readelfNeeds(extracted));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
