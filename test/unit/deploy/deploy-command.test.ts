/**
 * `npm run deploy -- preprod` as a user runs it: refusals exit non-zero before Terraform runs,
 * so no provider is installed, no state is written and no API is called.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../../model/paths';
import { runProcessAllowingFailure } from '../../../harness/process/run-process';
import { PlaceholderManifest, createPlaceholderManifest } from '../../../deploy/placeholder-manifest';

let work: string;
const fixtures: PlaceholderManifest[] = [];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-cmd-'));
});
afterAll(() => {
  fixtures.forEach((f) => f.remove());
  fs.rmSync(work, { recursive: true, force: true });
});

async function npmRun(script: string, args: string[]) {
  const result = await runProcessAllowingFailure('npm', ['run', '--silent', script, '--', ...args], {
    cwd: REPO_ROOT,
    // The real-AWS target: a deploy that got past the gate would try to reach AWS.
    env: { ...process.env, SENTIMENT_AWS_TARGET: 'aws', SENTIMENT_AWS_ACCOUNT_ID: '123456789012' },
  });
  return { status: result.exitCode, output: `${result.stdout}\n${result.stderr}` };
}

function expectTouchedNothing(outdir: string, stateDir: string): void {
  expect(fs.existsSync(path.join(outdir, 'stacks', 'preprod', '.terraform'))).toBe(false);
  expect(fs.existsSync(path.join(outdir, 'stacks', 'preprod', 'tfplan'))).toBe(false);
  expect(fs.existsSync(stateDir)).toBe(false);
}

async function fixture(options: Parameters<typeof createPlaceholderManifest>[0] = {}): Promise<PlaceholderManifest> {
  const created = await createPlaceholderManifest(options);
  fixtures.push(created);
  return created;
}

describe('npm run deploy -- preprod', () => {
  it('refuses a manifest whose verification failed, listing the functions', async () => {
    const failed = await fixture({ passed: false });
    const outdir = path.join(work, 'failed-out');
    const stateDir = path.join(work, 'failed-state');
    const { status, output } = await npmRun('deploy', ['preprod', '--manifest', failed.manifestPath, '--outdir', outdir, '--state-dir', stateDir]);
    expect(status).not.toBe(0);
    expect(output).toMatch(/Deploy gate REFUSED 'preprod'/);
    for (const name of ['analysis', 'dashboard', 'ingestion']) expect(output).toMatch(new RegExp(`REFUSED ${name} `));
    expect(output).not.toMatch(/terraform init|Initializing/);
    expectTouchedNothing(outdir, stateDir);
  });

  it('refuses when the synthesized stack references hashes the manifest does not vouch for', async () => {
    const good = await fixture();
    const outdir = path.join(work, 'stale-out');
    const stateDir = path.join(work, 'stale-state');
    const synth = await npmRun('synth', ['preprod', '--manifest', good.manifestPath, '--outdir', outdir, '--state-dir', stateDir]);
    expect(synth.status).toBe(0);
    // A new verification recorded other archives; the stack on disk still deploys the old ones.
    const dashboard = good.manifest.functions.dashboard;
    if (dashboard.kind !== 'zip') throw new Error('dashboard should be a zip');
    good.write({ ...good.manifest, functions: { ...good.manifest.functions, dashboard: { ...dashboard, sha256: 'f'.repeat(64) } } });
    const { status, output } = await npmRun('deploy', ['preprod', '--skip-synth', '--manifest', good.manifestPath, '--outdir', outdir, '--state-dir', stateDir]);
    expect(status).not.toBe(0);
    expect(output).toMatch(/REFUSED dashboard .*\n.*source_code_hash is sha256 [0-9a-f]{64}, the manifest verified f{64}/);
    expect(output).toMatch(/ok +ingestion/);
    expectTouchedNothing(outdir, stateDir);
  });

  it('refuses when a verified ZIP changed on disk', async () => {
    const good = await fixture();
    const ingestion = good.manifest.functions.ingestion;
    if (ingestion.kind !== 'zip') throw new Error('ingestion should be a zip');
    fs.appendFileSync(ingestion.zipPath, 'edited after verification');
    const outdir = path.join(work, 'edited-out');
    const stateDir = path.join(work, 'edited-state');
    const { status, output } = await npmRun('deploy', ['preprod', '--manifest', good.manifestPath, '--outdir', outdir, '--state-dir', stateDir]);
    expect(status).not.toBe(0);
    expect(output).toMatch(/REFUSED ingestion .*\n.*changed on disk since verification/);
    expectTouchedNothing(outdir, stateDir);
  });

  it('rejects an unknown stack name with the list of stacks', async () => {
    const { status, output } = await npmRun('deploy', ['staging']);
    expect(status).not.toBe(0);
    expect(output).toMatch(/Unknown stack 'staging'. Stacks: preprod-registry, preprod, prod-registry, prod/);
  });
});
