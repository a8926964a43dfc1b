/** The CI deploy workflow parses, runs its jobs in the promised order, and calls commands that exist. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../lambdas/catalog';

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly needs?: string | string[];
  readonly environment?: string | { name: string };
  readonly steps: Step[];
  readonly outputs?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const workflow = parse(fs.readFileSync(path.join(REPO_ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8')) as Workflow;
const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const runs = (job: string) => workflow.jobs[job].steps.map((step) => step.run ?? '').join('\n');
const needs = (job: string) => [workflow.jobs[job].needs ?? []].flat();

describe('.github/workflows/deploy.yml', () => {
  it('runs verify -> synth -> plan -> deploy preprod -> smoke -> prod, each job needing the previous one', () => {
    const chain = ['verify', 'publish-preprod', 'synth', 'plan', 'deploy-preprod', 'smoke-preprod', 'deploy-prod'];
    expect(Object.keys(workflow.jobs)).toEqual(chain);
    expect(needs('verify')).toEqual([]);
    for (let i = 1; i < chain.length; i++) expect(needs(chain[i])).toEqual([chain[i - 1]]);
  });

  it('runs on pushes to main and uses OIDC, not stored keys', () => {
    expect(workflow.on).toHaveProperty('push.branches', ['main']);
    expect(workflow.permissions['id-token']).toBe('write');
    expect(JSON.stringify(workflow)).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  it('deploys prod only from the protected prod environment, after the preprod smoke suite', () => {
    expect(workflow.jobs['deploy-prod'].environment).toBe('prod');
    expect(workflow.jobs['deploy-preprod'].environment).toBe('preprod');
    expect(runs('deploy-prod')).toMatch(/npm run deploy -- prod$/m);
  });

  it('smokes the preprod Function URL that the deploy job outputs', () => {
    expect(workflow.jobs['deploy-preprod'].outputs?.dashboard_url).toBe('${{ steps.url.outputs.dashboard_url }}');
    expect(runs('smoke-preprod')).toContain('npm run smoke -- --url "${{ needs.deploy-preprod.outputs.dashboard_url }}"');
    expect(runs('deploy-preprod')).toContain('terraform output -raw dashboard-url');
  });

  it('calls the promised commands in each job', () => {
    expect(runs('verify')).toContain('npm run verify');
    expect(runs('synth')).toContain('npm run synth');
    expect(runs('plan')).toContain('npm run plan -- preprod');
    expect(runs('deploy-preprod')).toContain('npm run deploy -- preprod');
  });

  it('only calls npm scripts that package.json declares and files that exist', () => {
    const all = Object.keys(workflow.jobs).map(runs).join('\n');
    const npmScripts = [...all.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(npmScripts.length).toBeGreaterThanOrEqual(8);
    for (const script of npmScripts) expect({ script, declared: script in scripts }).toEqual({ script, declared: true });
    const files = [...all.matchAll(/npx tsx ([\w./-]+)/g)].map((m) => m[1]);
    expect(files).toContain('scripts/publish-images.ts');
    for (const file of files) expect({ file, exists: fs.existsSync(path.join(REPO_ROOT, file)) }).toEqual({ file, exists: true });
  });

  it('pins every action to a major version', () => {
    const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.uses).filter((u): u is string => !!u));
    expect(uses.length).toBeGreaterThan(10);
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });
});
