import * as fs from 'node:fs';
import { Manifest, ManifestEntry } from '../../../model/manifest';
import { checkDeployGate, formatVerdict } from '../../../deploy/deploy-gate';
import { stackArtifacts, readStackJson } from '../../../deploy/stack-artifacts';
import { configurationFingerprint } from '../../../model/verified-configuration';
import { PlaceholderManifest, sha256Hex } from '../../../deploy/placeholder-manifest';
import { synthesizeOfflineStacks } from '../stacks/offline-synthesis';

const synthesis = synthesizeOfflineStacks('gate-', { stacks: ['preprod', 'preprod-registry'], withManifestPath: true });
let fixture: PlaceholderManifest;
let stackJsonPath: string;

beforeAll(() => {
  fixture = synthesis.fixture;
  stackJsonPath = synthesis.stackJsonPath('preprod');
});

function withEntry(name: string, change: (entry: ManifestEntry) => ManifestEntry): Manifest {
  return { ...fixture.manifest, functions: { ...fixture.manifest.functions, [name]: change(fixture.manifest.functions[name]) } };
}

const gate = (manifest: Manifest) => checkDeployGate({ stackName: 'preprod', stackJsonPath, manifest });
const problemsOf = (manifest: Manifest, fn: string) => gate(manifest).functions.find((f) => f.functionName === fn)?.problems ?? ['<function not found>'];

describe('stackArtifacts reads back what the synthesized stack deploys', () => {
  it('finds every function with its ZIP hash and upload, or its image digest', () => {
    const artifacts = stackArtifacts(readStackJson(stackJsonPath));
    expect(artifacts.map((a) => `${a.functionName}:${a.kind}`)).toEqual(['analysis:image', 'dashboard:zip', 'ingestion:zip']);
    const dashboard = artifacts.find((a) => a.functionName === 'dashboard');
    const entry = fixture.manifest.functions.dashboard;
    if (dashboard?.kind !== 'zip' || entry.kind !== 'zip') throw new Error('dashboard should be a zip');
    expect(dashboard).toMatchObject({ sourceCodeSha256: entry.sha256, uploadSha256: entry.sha256, uploadSource: entry.zipPath });
  });

  it('finds nothing to vouch for in a registry stack', () => {
    const verdict = checkDeployGate({ stackName: 'preprod-registry', stackJsonPath: synthesis.stackJsonPath('preprod-registry'), manifest: fixture.manifest });
    expect(verdict).toEqual({ stackName: 'preprod-registry', allowed: true, functions: [] });
  });
});

describe('checkDeployGate', () => {
  it('allows a stack whose every artifact has a passing verification', () => {
    const verdict = gate(fixture.manifest);
    expect(verdict.functions.map((f) => [f.functionName, f.problems])).toEqual([
      ['analysis', []],
      ['dashboard', []],
      ['ingestion', []],
    ]);
    expect(verdict.allowed).toBe(true);
  });

  it('refuses when verification failed, listing every function', () => {
    const failed: Manifest = {
      ...fixture.manifest,
      functions: Object.fromEntries(
        Object.entries(fixture.manifest.functions).map(([name, entry]) => [name, { ...entry, verification: { ...entry.verification, passed: false, failed: 3 } }]),
      ),
    };
    const verdict = gate(failed);
    expect(verdict.allowed).toBe(false);
    const report = formatVerdict(verdict);
    expect(report).toMatch(/Deploy gate REFUSED 'preprod': nothing was deployed/);
    for (const name of ['analysis', 'dashboard', 'ingestion']) {
      expect(report).toMatch(new RegExp(`REFUSED ${name} \\(preprod-sentiment-${name}\\)`));
    }
    expect(report).toMatch(/verification FAILED \(3 of 12 checks failed/);
    expect(report).toMatch(/npm run verify/);
  });

  it('refuses when the manifest vouches for a different ZIP than the stack deploys', () => {
    const other = sha256Hex('another archive');
    const problems = problemsOf(withEntry('dashboard', (e) => ({ ...e, sha256: other })), 'dashboard');
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`source_code_hash is sha256 [0-9a-f]{64}, the manifest verified ${other}`))]),
    );
  });

  it('refuses when the ZIP on disk changed after verification', () => {
    const entry = fixture.manifest.functions.ingestion;
    if (entry.kind !== 'zip') throw new Error('ingestion should be a zip');
    const original = fs.readFileSync(entry.zipPath);
    try {
      fs.appendFileSync(entry.zipPath, 'tampered');
      expect(problemsOf(fixture.manifest, 'ingestion')).toEqual([expect.stringMatching(/changed on disk since verification/)]);
      fs.rmSync(entry.zipPath);
      expect(problemsOf(fixture.manifest, 'ingestion')).toEqual([expect.stringMatching(/is missing from disk/)]);
    } finally {
      fs.writeFileSync(entry.zipPath, original);
    }
    expect(problemsOf(fixture.manifest, 'ingestion')).toEqual([]);
  });

  it('refuses an image digest the manifest did not verify, or one that was never pushed', () => {
    const other = `sha256:${sha256Hex('other image')}`;
    expect(problemsOf(withEntry('analysis', (e) => ({ ...e, repoDigest: other })), 'analysis')).toEqual([
      expect.stringMatching(new RegExp(`image digest is sha256:[0-9a-f]{64}, the manifest verified ${other}`)),
    ]);
    expect(problemsOf(withEntry('analysis', (e) => ({ ...e, repoDigest: undefined })), 'analysis')).toEqual([
      expect.stringMatching(/was not published yet/),
    ]);
  });

  it('refuses a catalog edit: the synthesized configuration differs from the verified one, each difference named', () => {
    // The manifest verified python3.12, 1024 MB and another query; the stack deploys the catalog's values.
    const problems = problemsOf(
      withEntry('ingestion', (e) => {
        const verified = e.configuration!.configuration;
        const configuration = { ...verified, runtime: 'python3.12', memoryMb: 1024, environment: { ...verified.environment, NEWSAPI_QUERY: 'sports' } };
        return { ...e, configuration: { ...e.configuration!, configuration, fingerprint: configurationFingerprint(configuration) } };
      }),
      'ingestion',
    );
    expect(problems).toEqual([
      'runtime: verified python3.12, stack deploys python3.13',
      'memory: verified 1024 MB, stack deploys 256 MB',
      'environment NEWSAPI_QUERY: verified sports, stack deploys technology',
    ]);
  });

  it('refuses an entry recorded without its configuration (an older verify)', () => {
    expect(problemsOf(withEntry('dashboard', (e) => ({ ...e, configuration: undefined })), 'dashboard')).toEqual([
      expect.stringMatching(/records no verified configuration/),
    ]);
  });

  it('refuses a function the manifest does not list', () => {
    const { analysis: _dropped, ...rest } = fixture.manifest.functions;
    expect(problemsOf({ ...fixture.manifest, functions: rest }, 'analysis')).toEqual(['no entry in the manifest: it was never verified']);
  });
});
