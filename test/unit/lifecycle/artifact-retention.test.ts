import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keepArtifactsSetting, pruneArtifacts } from '../../../harness/build/artifact-retention';
import { codeOfThrown } from '../thrown-code';

function makeArtifact(dir: string, hash: string, ageSeconds: number): void {
  const zip = path.join(dir, `${hash}.zip`);
  fs.writeFileSync(zip, 'z'.repeat(100));
  fs.mkdirSync(path.join(dir, hash));
  fs.writeFileSync(path.join(dir, hash, 'handler.py'), 'x'.repeat(50));
  const at = new Date(Date.now() - ageSeconds * 1000);
  fs.utimesSync(zip, at, at);
}

describe('artifact retention', () => {
  test('keeps the newest N per function plus the protected and the manifest ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-'));
    ['a', 'b', 'c', 'd', 'e', 'f'].forEach((hash, i) => makeArtifact(dir, hash, i * 10)); // a newest
    const manifest = path.join(dir, '..', `${path.basename(dir)}-manifest.json`);
    fs.writeFileSync(manifest, JSON.stringify({ version: 1, generatedAt: '', functions: { fn: { kind: 'zip', zipPath: `${dir}/e.zip` } } }));
    const result = pruneArtifacts({ functionDir: dir, keep: 2, protect: ['d'], manifestPath: manifest });
    expect([...result.removed].sort()).toEqual(['c', 'f']);
    expect(result.bytesFreed).toBe(2 * 150);
    expect(fs.readdirSync(dir).sort()).toEqual(['a', 'a.zip', 'b', 'b.zip', 'd', 'd.zip', 'e', 'e.zip']);
  });

  test('HARNESS_KEEP_ARTIFACTS sets N (default 3) and a bad value is refused by name', () => {
    expect(keepArtifactsSetting({})).toBe(3);
    expect(keepArtifactsSetting({ HARNESS_KEEP_ARTIFACTS: '5' })).toBe(5);
    expect(() => keepArtifactsSetting({ HARNESS_KEEP_ARTIFACTS: '0' })).toThrow("HARNESS_KEEP_ARTIFACTS must be an integer >= 1 (artifacts kept per function), got '0'.");
    expect(codeOfThrown(() => keepArtifactsSetting({ HARNESS_KEEP_ARTIFACTS: '0' }))).toBe('CONFIGURATION');
  });
});
