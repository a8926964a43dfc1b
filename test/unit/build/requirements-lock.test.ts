import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeContentHash } from '../../../harness/build/content-hash';
import { LOCK_FILE, hashLockedFunction, judgeLock, lockHeader, lockTarget, requirementsToInstall } from '../../../harness/build/requirements-lock';
import { machineCatalog } from '../../../harness/machine-catalog';
import { resolveSourceDir } from '../../../harness/build/build-artifact';
import { codeOfThrown } from '../thrown-code';

const TARGET = lockTarget('python3.13', 'x86_64');
const REQUIREMENTS = 'fastapi==0.121.3\n';
const LOCKED = `${lockHeader(REQUIREMENTS, TARGET)}\nfastapi==0.121.3 \\\n    --hash=sha256:${'a'.repeat(64)}\n`;

describe('requirements.lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
    fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(e, c):\n    return 1\n');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), REQUIREMENTS);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('targets the runtime glibc and architecture, as the build image caps wheels', () => {
    expect(TARGET).toEqual({ pythonVersion: '3.13', pythonPlatform: 'x86_64-manylinux_2_34' });
    expect(lockTarget('python3.11', 'arm64')).toEqual({ pythonVersion: '3.11', pythonPlatform: 'aarch64-manylinux_2_26' });
  });

  it('is fresh only for the requirements.txt and target it was made from', () => {
    expect(judgeLock(REQUIREMENTS, LOCKED, TARGET)).toEqual({ fresh: true });
    expect(judgeLock('fastapi==0.122.0\n', LOCKED, TARGET)).toEqual({ fresh: false, reason: 'requirements.txt changed after it was locked' });
    expect(judgeLock(REQUIREMENTS, LOCKED, lockTarget('python3.11', 'x86_64'))).toEqual({
      fresh: false,
      reason: 'it was resolved for python 3.13 x86_64-manylinux_2_34, the function needs python 3.11 x86_64-manylinux_2_26',
    });
    expect(judgeLock(REQUIREMENTS, 'fastapi==0.121.3\n', TARGET)).toMatchObject({ fresh: false, reason: expect.stringContaining('no \'# locked from') });
    expect(judgeLock(REQUIREMENTS, `${lockHeader(REQUIREMENTS, TARGET)}\nfastapi==0.121.3\n`, TARGET)).toEqual({ fresh: false, reason: 'it carries no --hash lines' });
  });

  it('a stale lock stops the build with an error naming npm run lock', () => {
    fs.writeFileSync(path.join(dir, LOCK_FILE), LOCKED);
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'fastapi==0.122.0\n');
    expect(() => requirementsToInstall(dir, { functionName: 'dashboard', target: TARGET, required: false })).toThrow(
      /requirements\.lock is stale: requirements\.txt changed after it was locked\. Run `npm run lock -- dashboard` and commit requirements\.lock\./,
    );
    expect(codeOfThrown(() => requirementsToInstall(dir, { functionName: 'dashboard', target: TARGET, required: false }))).toBe('CONFIGURATION');
  });

  it('installs the fresh lock with hashes; a catalog function without a lock is refused, an ad-hoc one installs requirements.txt', () => {
    expect(() => requirementsToInstall(dir, { functionName: 'dashboard', target: TARGET, required: true })).toThrow(/has no requirements\.lock beside it.*npm run lock -- dashboard/);
    expect(codeOfThrown(() => requirementsToInstall(dir, { functionName: 'dashboard', target: TARGET, required: true }))).toBe('CONFIGURATION');
    expect(requirementsToInstall(dir, { functionName: 'mine', target: TARGET, required: false })).toEqual({ file: 'requirements.txt', hashed: false });
    fs.writeFileSync(path.join(dir, LOCK_FILE), LOCKED);
    expect(requirementsToInstall(dir, { functionName: 'dashboard', target: TARGET, required: true })).toEqual({ file: LOCK_FILE, hashed: true });
  });

  it('is part of the content hash', () => {
    fs.writeFileSync(path.join(dir, LOCK_FILE), LOCKED);
    const inputs = { sourceDir: dir, packaging: 'zip' as const, runtime: 'python3.13' as const, architecture: 'x86_64' as const, baseImageId: 'sha256:1' };
    const before = computeContentHash(inputs);
    fs.writeFileSync(path.join(dir, LOCK_FILE), LOCKED.replace('a'.repeat(64), 'b'.repeat(64)));
    expect(computeContentHash(inputs)).not.toBe(before);
  });

  it('the committed locks of the catalog functions are fresh (run `npm run lock` after editing a requirements.txt)', () => {
    const locked = machineCatalog().filter((spec) => hashLockedFunction(spec, resolveSourceDir(spec)));
    expect(locked.map((spec) => spec.name)).toEqual(expect.arrayContaining(['dashboard', 'ingestion']));
    for (const spec of locked) {
      expect({ name: spec.name, ...requirementsToInstall(resolveSourceDir(spec), { functionName: spec.name, target: lockTarget(spec.runtime, spec.architecture), required: true }) }).toEqual({
        name: spec.name,
        file: LOCK_FILE,
        hashed: true,
      });
    }
  });
});
