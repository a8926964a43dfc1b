/**
 * ZIP artifacts built for real: pip inside the stand-in's build image, deterministic archive,
 * content-hash cache, and the seed 000 / 001 reproductions, each checked by importing the
 * artifact inside the real runtime image.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZipArtifact, RuntimeBase } from '../../../harness/build/artifact';
import { buildArtifact, resolveSourceDir } from '../../../harness/build/build-artifact';
import { readZipEntries } from '../../../harness/build/deterministic-zip';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { ContainerExitError, HarnessContainer, runToCompletion } from '../../../harness/docker/harness-container';
import { resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { catalogEntry } from '../../../harness/machine-catalog';
import { FunctionSpec } from '../../../model/function-spec';

jest.setTimeout(15 * 60 * 1000);

const lines: string[] = [];
const log = (line: string): void => {
  lines.push(line);
  if (!line.startsWith('[build dashboard]    ')) process.stderr.write(`${line}\n`);
};
// The catalog may switch the dashboard to an image (DASHBOARD_PACKAGING); these tests are about its ZIP.
const dashboard: FunctionSpec = { ...catalogEntry('dashboard'), packaging: 'zip' };

/** Imports the handler module inside the real runtime image, /var/task read-only, as Lambda's user. */
async function importInRuntime(base: RuntimeBase, unpackedDir: string, module: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await runToCompletion(new HarnessContainer(base.image, 'zip-import').withNetworkMode('none')
      .withReadOnlyRootFilesystem().withTmpFs({ '/tmp': 'rw' })
      .withBindMounts([{ source: unpackedDir, target: '/var/task', mode: 'ro' }])
      .withEntrypoint(['/var/lang/bin/python3']).withCommand(['-c', `import ${module}; print('imported')`]));
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    if (error instanceof ContainerExitError) return { ok: false, output: error.stdout + error.stderr };
    throw error;
  }
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** `name==version` lines of a pip --hash lock, names normalised as PEP 503 does (lower case, dashes). */
function lockedVersions(lockFile: string): Map<string, string> {
  const pins = [...fs.readFileSync(lockFile, 'utf8').matchAll(/^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)/gm)];
  return new Map(pins.map(([, name, version]) => [name.toLowerCase().replace(/[._]/g, '-'), version]));
}

describe('ZIP builder (real pip in the stand-in build image)', () => {
  let base: RuntimeBase;
  let workDir: string;
  let installed: ZipArtifact;

  beforeAll(async () => {
    await ensureDockerEngine();
    base = await resolveRuntimeBase('python3.13', 'x86_64', 'standin', log);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-builder-'));
    installed = (await buildArtifact(dashboard, { base, workDir, log, force: true })) as ZipArtifact;
  });
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('builds the dashboard ZIP with fastapi and a cp313 x86_64 pydantic_core, named by content hash', async () => {
    expect(installed.kind).toBe('zip');
    expect(installed.cacheHit).toBe(false);
    expect(installed.base.description).toMatch(/^stand-in lambda-standin\/python:3\.13/);
    expect(installed.zipPath).toBe(path.join(workDir, 'artifacts', 'dashboard', `${installed.contentHash}.zip`));
    expect(installed.unpackedDir).toBe(path.join(workDir, 'artifacts', 'dashboard', installed.contentHash));
    expect(installed.bytes).toBe(fs.statSync(installed.zipPath).size);
    const names = (await readZipEntries(installed.zipPath)).map((entry) => entry.name);
    expect(names).toContain('handler.py');
    expect(names).toContain('fastapi/__init__.py');
    expect(names).toContain('mangum/__init__.py');
    expect(names.filter((name) => /^pydantic_core\/_pydantic_core\..*\.so$/.test(name))).toEqual([
      'pydantic_core/_pydantic_core.cpython-313-x86_64-linux-gnu.so',
    ]);
    expect(names.filter((name) => name.endsWith('.pyc') || name.includes('__pycache__/'))).toEqual([]);
    expect(names.filter((name) => name.startsWith('tests/'))).toEqual([]);
    expect([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(names);
    expect(fs.existsSync(path.join(installed.unpackedDir, 'fastapi', '__init__.py'))).toBe(true);
  });

  it('installs the hash-locked requirements.lock and writes a CycloneDX SBOM of exactly what the ZIP ships', () => {
    expect(lines.some((line) => line.includes('[build dashboard] pip install (install, requirements.lock, --require-hashes)'))).toBe(true);
    const sbom = installed.sbom!;
    expect(sbom.path).toBe(path.join(workDir, 'artifacts', 'dashboard', `${installed.contentHash}.cdx.json`));
    expect(sbom.sha256).toBe(sha256File(sbom.path));
    const bom = JSON.parse(fs.readFileSync(sbom.path, 'utf8'));
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(bom.metadata.component).toMatchObject({ type: 'application', name: 'dashboard', version: installed.contentHash });
    const components = new Map<string, string>(bom.components.map((c: { name: string; version: string }) => [c.name.toLowerCase().replace(/[._]/g, '-'), c.version]));
    expect(sbom.components).toBe(components.size);
    // Every locked distribution, at its locked version, and nothing else (no harness venv packages).
    const locked = lockedVersions(path.join(resolveSourceDir(dashboard), 'requirements.lock'));
    expect(locked.get('fastapi')).toBe('0.121.3');
    expect(Object.fromEntries(components)).toEqual(Object.fromEntries(locked));
  });

  it('imports inside the runtime image from the read-only extracted directory', async () => {
    const result = await importInRuntime(base, installed.unpackedDir, 'handler');
    expect(result).toEqual({ ok: true, output: expect.stringContaining('imported') });
  });

  it('rebuilds byte-identical when forced, and is a cache hit when not', async () => {
    const forced = (await buildArtifact(dashboard, { base, workDir, log, force: true })) as ZipArtifact;
    expect(forced.cacheHit).toBe(false);
    expect(forced.contentHash).toBe(installed.contentHash);
    expect(forced.sha256).toBe(installed.sha256);
    expect(forced.sbom!.sha256).toBe(installed.sbom!.sha256);

    const again = (await buildArtifact(dashboard, { base, workDir, log })) as ZipArtifact;
    expect(again.cacheHit).toBe(true);
    expect(again.buildMs).toBe(0);
    expect(again.sha256).toBe(installed.sha256);
    expect(lines).toContain(`[build dashboard] cache hit ${installed.contentHash.slice(0, 12)} (${path.relative(process.cwd(), installed.zipPath)})`);
  });

  it("'omit' reproduces seed 000: sources only, and the import fails on fastapi", async () => {
    const omitted = (await buildArtifact(dashboard, { base, workDir, log, requirements: 'omit' })) as ZipArtifact;
    expect(omitted.contentHash).not.toBe(installed.contentHash);
    const names = (await readZipEntries(omitted.zipPath)).map((entry) => entry.name);
    expect(names).toContain('handler.py');
    expect(names.some((name) => name.startsWith('fastapi/'))).toBe(false);
    expect(omitted.sbom!.components).toBe(0);
    const result = await importInRuntime(base, omitted.unpackedDir, 'handler');
    expect(result.ok).toBe(false);
    expect(result.output).toContain("No module named 'fastapi'");
  });

  it('the cross install reproduces seed 001: pydantic_core built for cp312 in a python3.13 function', async () => {
    const cross = (await buildArtifact(dashboard, {
      base,
      workDir,
      log,
      requirements: { platform: 'manylinux2014_x86_64', pythonVersion: '3.12' },
    })) as ZipArtifact;
    expect(cross.contentHash).not.toBe(installed.contentHash);
    const names = (await readZipEntries(cross.zipPath)).map((entry) => entry.name);
    expect(names.filter((name) => /^pydantic_core\/_pydantic_core\..*\.so$/.test(name))).toEqual([
      'pydantic_core/_pydantic_core.cpython-312-x86_64-linux-gnu.so',
    ]);
    const result = await importInRuntime(base, cross.unpackedDir, 'handler');
    expect(result.ok).toBe(false);
    expect(result.output).toContain("No module named 'pydantic_core._pydantic_core'");
  });

  it('builds an ad-hoc function from an absolute directory and refuses a mismatched base', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adhoc-fn-'));
    try {
      fs.writeFileSync(path.join(dir, 'app.py'), 'def handler(event, context):\n    return "ok"\n');
      fs.writeFileSync(path.join(dir, 'requirements.txt'), 'six\n'); // unpinned on purpose
      const spec: FunctionSpec = {
        name: 'adhoc', description: 'ad-hoc', sourceDir: dir, packaging: 'zip', runtime: 'python3.13',
        architecture: 'x86_64', handler: 'app.handler', memoryMb: 128, timeoutSeconds: 3,
      };
      const artifact = (await buildArtifact(spec, { base, workDir, log })) as ZipArtifact;
      const names = (await readZipEntries(artifact.zipPath)).map((entry) => entry.name);
      expect(names).toEqual(expect.arrayContaining(['app.py', 'requirements.txt', 'six.py']));
      expect(lines.some((line) => /\[build adhoc\] warning: requirements.txt has unpinned lines \(six\)/.test(line))).toBe(true);
      fs.writeFileSync(path.join(dir, 'requirements.lock'), '# not from npm run lock\nsix==1.17.0\n');
      await expect(buildArtifact(spec, { base, workDir, log })).rejects.toThrow(/adhoc: .*requirements\.lock is stale: it has no '# locked from requirements\.txt sha256=\.\.\.' header .*Run `npm run lock -- adhoc`/);
      await expect(buildArtifact({ ...spec, runtime: 'python3.11' }, { base, workDir })).rejects.toThrow(
        /'adhoc' is python3.11\/x86_64, but the base given is python3.13\/x86_64/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
