/**
 * Rebuild only what changed (issue 11): the dependency set's key, the layered ZIP plan (sources
 * over a cached dependency set, as `pip install --target` into the sources leaves them) and the
 * retention of dependency sets. No Docker here; test/integration/build/zip-builder.test.ts builds
 * for real with pip in the build image.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DependencySetKeyInputs, dependencySetKey, pruneDependencySets } from '../../../harness/build/dependency-set';
import { createDeterministicZip, extractZip, planSourcesOverDependencies, writeTreeFromPlan, writeZipFromPlan } from '../../../harness/build/deterministic-zip';
import { listSourceFiles } from '../../../harness/build/source-files';

const KEY: DependencySetKeyInputs = {
  requirementsFile: 'requirements.lock',
  requirementsSha256: 'a'.repeat(64),
  hashed: true,
  mode: 'install',
  runtime: 'python3.13',
  architecture: 'x86_64',
  baseImageId: 'sha256:base',
  buildImageId: 'sha256:build',
  builderVersion: 'zip-1/image-1',
};

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dependency-cache-'));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

function write(root: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}

describe('dependency set key', () => {
  test('is stable for the same inputs, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(KEY).reverse()) as unknown as DependencySetKeyInputs;
    expect(dependencySetKey(reordered)).toBe(dependencySetKey(KEY));
  });

  test.each<[string, Partial<DependencySetKeyInputs>]>([
    ['the lock file bytes (a changed requirement)', { requirementsSha256: 'b'.repeat(64) }],
    ['the requirement file installed', { requirementsFile: 'requirements.txt', hashed: false }],
    ['the requirements mode (a seed reproduction)', { mode: { platform: 'manylinux2014_x86_64', pythonVersion: '3.12' } }],
    ['the runtime', { runtime: 'python3.12' }],
    ['the architecture', { architecture: 'arm64' }],
    ['the base image id', { baseImageId: 'sha256:other' }],
    ['the build image id', { buildImageId: 'sha256:other' }],
    ['the builder version', { builderVersion: 'zip-2/image-1' }],
  ])('changes with %s', (_, change) => {
    expect(dependencySetKey({ ...KEY, ...change })).not.toBe(dependencySetKey(KEY));
  });
});

describe('sources over a dependency set', () => {
  test('sources win a top-level name (pip --target skips existing ones); directories come from the files', () => {
    const deps = write(path.join(scratch, 'deps'), { 'fastapi/__init__.py': 'x', 'fastapi/routing.py': 'y', 'metrics/__init__.py': 'dep', 'six.py': 's' });
    const sources = write(path.join(scratch, 'src'), { 'handler.py': 'h', 'metrics/__init__.py': 'ours', 'tests/test_x.py': 't' });
    const plan = planSourcesOverDependencies(listSourceFiles(sources), deps);
    expect(plan.map((entry) => entry.name)).toEqual([
      'fastapi/', 'fastapi/__init__.py', 'fastapi/routing.py', 'handler.py', 'metrics/', 'metrics/__init__.py', 'six.py',
    ]);
    expect(plan.find((entry) => entry.name === 'metrics/__init__.py')?.absolutePath).toBe(path.join(sources, 'metrics', '__init__.py'));
  });

  test('zips to the same bytes as the staged tree a full install leaves (sources + pip --target into them)', async () => {
    const deps = write(path.join(scratch, 'deps'), { 'fastapi/__init__.py': 'x', 'pkg/sub/mod.py': 'm', 'bin/tool': '#!/bin/sh\n', 'handler.py': 'pip would skip this' });
    fs.chmodSync(path.join(deps, 'bin', 'tool'), 0o755);
    const sources = write(path.join(scratch, 'src'), { 'handler.py': 'h', 'lib/util.py': 'u', 'requirements.lock': 'l' });
    // What the full build's staging directory holds: the sources, then pip's top-level entries that are not there yet.
    const staged = path.join(scratch, 'staged');
    fs.cpSync(sources, staged, { recursive: true });
    for (const name of fs.readdirSync(deps)) if (!fs.existsSync(path.join(staged, name))) fs.cpSync(path.join(deps, name), path.join(staged, name), { recursive: true });

    const layered = await writeZipFromPlan(planSourcesOverDependencies(listSourceFiles(sources), deps), path.join(scratch, 'layered.zip'));
    const full = await createDeterministicZip(staged, path.join(scratch, 'full.zip'));
    expect(layered.sha256).toBe(full.sha256);
    expect(layered.entries).toBe(full.entries);
  });

  test('the directory mounted at /var/task is written from the same plan: what extracting the ZIP gives, modes included', async () => {
    const deps = write(path.join(scratch, 'deps'), { 'pkg/__init__.py': 'x', 'pkg/lib.so': 'elf', 'bin/tool': '#!/bin/sh\n' });
    fs.chmodSync(path.join(deps, 'bin', 'tool'), 0o700);
    fs.chmodSync(path.join(deps, 'pkg', 'lib.so'), 0o600);
    const sources = write(path.join(scratch, 'src'), { 'handler.py': 'h', 'sub/a.py': 'a' });
    const plan = planSourcesOverDependencies(listSourceFiles(sources), deps);
    const zip = await writeZipFromPlan(plan, path.join(scratch, 'fn.zip'));
    await extractZip(zip.zipPath, path.join(scratch, 'extracted'));
    writeTreeFromPlan(plan, path.join(scratch, 'written'));
    const describe = (root: string) => plan.map((entry) => {
      const target = path.join(root, entry.name);
      const stat = fs.statSync(target);
      return [entry.name, (stat.mode & 0o777).toString(8), stat.isFile() ? fs.readFileSync(target, 'utf8') : 'dir'];
    });
    expect(describe(path.join(scratch, 'written'))).toEqual(describe(path.join(scratch, 'extracted')));
    expect(fs.statSync(path.join(scratch, 'written', 'bin', 'tool')).mode & 0o777).toBe(0o755);
  });

  test('without a dependency set the ZIP holds the sources only', () => {
    const sources = write(path.join(scratch, 'src'), { 'handler.py': 'h' });
    expect(planSourcesOverDependencies(listSourceFiles(sources)).map((entry) => entry.name)).toEqual(['handler.py']);
  });
});

test('dependency sets are trimmed to the newest N per function, protected keys kept', () => {
  const functionDir = path.join(scratch, 'dashboard');
  const names = ['k1', 'k2', 'k3', 'k4'];
  names.forEach((name, index) => {
    write(path.join(functionDir, name), { 'pkg/__init__.py': 'x'.repeat(10) });
    fs.writeFileSync(path.join(functionDir, `${name}.key.json`), '{}');
    const time = new Date(Date.now() - (names.length - index) * 60_000);
    fs.utimesSync(path.join(functionDir, name), time, time);
  });
  const result = pruneDependencySets(functionDir, ['k1'], 2);
  expect(result.removed.sort()).toEqual(['k2']);
  expect(result.bytesFreed).toBe(10);
  expect(fs.readdirSync(functionDir).sort()).toEqual(['k1', 'k1.key.json', 'k3', 'k3.key.json', 'k4', 'k4.key.json']);
});
