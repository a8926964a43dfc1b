/**
 * Rebuild only what changed (issue 11), for real: pip in the stand-in's build image installs a
 * ZIP function's dependency set once per requirements key; a source-only edit re-zips the sources
 * over it without pip and gives byte for byte the ZIP a forced full rebuild gives; a changed
 * requirement installs a new set.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeBase, ZipArtifact } from '../../../harness/build/artifact';
import { buildArtifact } from '../../../harness/build/build-artifact';
import { dependenciesDir } from '../../../harness/build/dependency-set';
import { readZipEntries } from '../../../harness/build/deterministic-zip';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { FunctionSpec } from '../../../model/function-spec';

jest.setTimeout(15 * 60 * 1000);

let base: RuntimeBase;
let workDir: string;
let sourceDir: string;
let lines: string[];
const log = (line: string): void => {
  lines.push(line);
};

const spec = (): FunctionSpec => ({
  name: 'depcache', description: 'dependency cache test', sourceDir, packaging: 'zip', runtime: 'python3.13',
  architecture: 'x86_64', handler: 'app.handler', memoryMb: 128, timeoutSeconds: 3,
});
const build = async (force = false): Promise<ZipArtifact> => {
  lines = [];
  return (await buildArtifact(spec(), { base, workDir, log, force })) as ZipArtifact;
};
const pipRan = (): boolean => lines.some((line) => /\[build depcache\] pip install \(install, requirements\.txt\) in .* \.\.\. \d/.test(line));

beforeAll(async () => {
  await ensureDockerEngine();
  base = await resolveRuntimeBase('python3.13', 'x86_64', 'standin', (line) => process.stderr.write(`${line}\n`));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dependency-cache-work-'));
  sourceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dependency-cache-fn-'));
  fs.writeFileSync(path.join(sourceDir, 'app.py'), 'import six\nimport markupsafe\n\ndef handler(event, context):\n    return "ok"\n');
  // A pure-Python and a native (cp313 manylinux) distribution.
  fs.writeFileSync(path.join(sourceDir, 'requirements.txt'), 'six==1.16.0\nmarkupsafe==3.0.2\n');
});
afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.rmSync(sourceDir, { recursive: true, force: true });
});

test('a source-only edit re-zips over the cached dependency set: no pip, and the same bytes as a forced full rebuild', async () => {
  const first = await build();
  expect(pipRan()).toBe(true);
  expect(first.cacheHit).toBe(false);

  fs.appendFileSync(path.join(sourceDir, 'app.py'), '\nEDITED = True\n');
  const edited = await build();
  expect(edited.cacheHit).toBe(false);
  expect(edited.contentHash).not.toBe(first.contentHash);
  expect(pipRan()).toBe(false);
  expect(lines.some((line) => /\[build depcache\] dependencies: cache hit [0-9a-f]{12} \(requirements\.txt, install\)/.test(line))).toBe(true);
  const editedBytes = fs.readFileSync(edited.zipPath);

  // --force: pip installs the dependency set again from scratch, and the archive is rewritten.
  const forced = await build(true);
  expect(pipRan()).toBe(true);
  expect(forced.contentHash).toBe(edited.contentHash);
  expect(forced.sha256).toBe(edited.sha256);
  expect(fs.readFileSync(forced.zipPath).equals(editedBytes)).toBe(true);
  const names = (await readZipEntries(forced.zipPath)).map((entry) => entry.name);
  expect(names).toEqual(expect.arrayContaining(['app.py', 'six.py', 'markupsafe/__init__.py']));
  expect(names.some((name) => /^markupsafe\/_speedups\.cpython-313-x86_64-linux-gnu\.so$/.test(name))).toBe(true);
});

test('a changed requirement invalidates the dependency cache: pip installs a new set', async () => {
  const before = await build();
  expect(pipRan()).toBe(false);
  fs.writeFileSync(path.join(sourceDir, 'requirements.txt'), 'six==1.17.0\nmarkupsafe==3.0.2\n');
  const after = await build();
  expect(pipRan()).toBe(true);
  expect(after.contentHash).not.toBe(before.contentHash);
  const names = (await readZipEntries(after.zipPath)).map((entry) => entry.name);
  expect(names).toContain('six-1.17.0.dist-info/METADATA');
  expect(names.some((name) => name.startsWith('six-1.16.0.dist-info/'))).toBe(false);
  const sets = fs.readdirSync(dependenciesDir(workDir, 'depcache')).filter((name) => !name.endsWith('.json'));
  expect(sets).toHaveLength(2);
});
