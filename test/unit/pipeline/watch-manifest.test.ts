// Under `emulate --watch` the manifest records a version only when it passed; a failed edit
// leaves the last good entry in place; ad-hoc `--dir` functions are never recorded.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineCatalog } from '../../../harness/machine-catalog';
import { REPO_ROOT } from '../../../model/paths';
import { readManifest, writeManifestEntries } from '../../../model/manifest';
import { ServedFunction } from '../../../harness/pipeline/served-function';
import { recordPassedVersion } from '../../../harness/pipeline/watch-manifest';
import { CheckResult, functionReport } from '../../../harness/suite/check-result';

const dashboard = machineCatalog().find((spec) => spec.name === 'dashboard')!;
const passed: CheckResult = { kind: 'boot', name: 'invoke', passed: true, message: 'ok', durationMs: 1 };
const failed: CheckResult = { kind: 'boot', name: 'invoke', passed: false, errorType: 'Runtime.ImportModuleError', message: 'No module', durationMs: 1 };

function version(hash: string, spec = dashboard) {
  return {
    spec,
    artifact: {
      kind: 'zip', functionName: spec.name, contentHash: hash.padEnd(64, '0'), sha256: 'f'.repeat(64), bytes: 123,
      zipPath: path.join(REPO_ROOT, '.work', 'artifacts', spec.name, `${hash}.zip`), unpackedDir: '/nowhere',
      base: { description: 'stand-in', image: 'img', imageId: 'sha256:base' },
    },
  } as unknown as ServedFunction;
}

describe('recordPassedVersion', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-manifest-'));
  const file = path.join(dir, 'manifest.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records a passing version and leaves it in place when the next edit fails', () => {
    writeManifestEntries([], file);
    expect(recordPassedVersion({ report: functionReport('dashboard', 'stand-in', [passed]), served: version('aaaa') }, file)).toBe(true);
    const entry = readManifest(file).functions.dashboard;
    expect(entry).toMatchObject({ kind: 'zip', contentHash: 'aaaa'.padEnd(64, '0'), zipPath: '.work/artifacts/dashboard/aaaa.zip', verification: { passed: true, failed: 0, checks: 1 } });

    expect(recordPassedVersion({ report: functionReport('dashboard', 'stand-in', [passed, failed]), served: version('bbbb') }, file)).toBe(false);
    expect(readManifest(file).functions.dashboard.contentHash).toBe('aaaa'.padEnd(64, '0'));
  });

  it('never records an ad-hoc --dir function', () => {
    const adHoc = { ...dashboard, name: 'my-fn', sourceDir: '/tmp/my-fn' };
    expect(recordPassedVersion({ report: functionReport('my-fn', 'stand-in', [passed]), served: version('cccc', adHoc) }, file)).toBe(false);
    expect(readManifest(file).functions['my-fn']).toBeUndefined();
  });
});
