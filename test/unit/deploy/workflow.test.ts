/** The CI deploy workflow parses, runs its jobs in the promised order, and calls commands that exist. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../model/paths';

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly permissions?: Record<string, string>;
  readonly environment?: string | { name: string };
  readonly steps: Step[];
  readonly outputs?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const workflowText = fs.readFileSync(path.join(REPO_ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8');
const workflow = parse(workflowText) as Workflow;
const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const runs = (job: string) => workflow.jobs[job].steps.map((step) => step.run ?? '').join('\n');
const needs = (job: string) => [workflow.jobs[job].needs ?? []].flat();

describe('.github/workflows/deploy.yml', () => {
  it('runs checks -> verify -> synth -> plan -> deploy preprod -> smoke -> prod, each job needing the previous one', () => {
    const chain = ['checks', 'verify', 'publish-preprod', 'synth', 'plan', 'deploy-preprod', 'smoke-preprod', 'publish-prod', 'plan-prod', 'deploy-prod'];
    expect(Object.keys(workflow.jobs)).toEqual(chain);
    expect(needs('checks')).toEqual([]);
    for (let i = 1; i < chain.length; i++) expect(needs(chain[i])).toEqual([chain[i - 1]]);
  });

  it('runs on pushes to main and uses OIDC, not stored keys', () => {
    expect(workflow.on).toHaveProperty('push.branches', ['main']);
    expect(JSON.stringify(workflow)).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  const assumesRole = (job: string) => workflow.jobs[job].steps.some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));

  it('grants id-token: write only to the jobs that assume an AWS role; the workflow default is read-only', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const roleJobs = Object.keys(workflow.jobs).filter(assumesRole);
    expect(roleJobs).toEqual(['publish-preprod', 'plan', 'deploy-preprod', 'publish-prod', 'plan-prod', 'deploy-prod']);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect({ name, idToken: job.permissions?.['id-token'] }).toEqual({ name, idToken: assumesRole(name) ? 'write' : undefined });
      if (job.permissions) expect(Object.keys(job.permissions).sort()).toEqual(['contents', 'id-token']);
    }
  });

  it('assumes one role per environment: the preprod role in preprod jobs, the prod role only in the prod jobs', () => {
    const roleOf = (job: string) =>
      workflow.jobs[job].steps.filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@')).map((step) => step.with?.['role-to-assume']);
    for (const job of ['publish-preprod', 'plan', 'deploy-preprod']) {
      expect(workflow.jobs[job].environment).toBe('preprod');
      expect(roleOf(job)).toEqual(['${{ vars.AWS_DEPLOY_ROLE_ARN_PREPROD }}']);
    }
    for (const job of ['publish-prod', 'plan-prod', 'deploy-prod']) {
      expect(workflow.jobs[job].environment).toMatch(/^prod/);
      expect(roleOf(job)).toEqual(['${{ vars.AWS_DEPLOY_ROLE_ARN_PROD }}']);
    }
    expect(workflowText).not.toMatch(/AWS_DEPLOY_ROLE_ARN\b(?!_)/);
  });

  it('checks every pull request (type-check, unit tests, stack rules, checkov) and deploys nothing from one', () => {
    expect(workflow.on).toHaveProperty('pull_request');
    const checks = runs('checks');
    expect(checks).toContain('npx tsc --noEmit -p .');
    expect(checks).toContain('npm run test:unit');
    expect(checks).toContain('npm run check-stacks -- --placeholder-manifest');
    expect(checks).toContain('npm run checkov');
    expect(workflow.jobs.checks.permissions).toBeUndefined();
    // Everything after checks needs verify, which never runs for a pull request.
    expect(workflow.jobs.verify.if).toBe("github.event_name != 'pull_request'");
  });

  it('deploys prod only from the protected prod environment, after the preprod smoke suite', () => {
    expect(workflow.jobs['deploy-prod'].environment).toBe('prod');
    expect(workflow.jobs['deploy-preprod'].environment).toBe('preprod');
    expect(runs('deploy-prod')).toMatch(/npm run deploy -- prod --plan /m);
  });

  const downloads = (job: string) =>
    workflow.jobs[job].steps.filter((step) => step.uses?.startsWith('actions/download-artifact@')).map((step) => step.with ?? {});
  const uploads = (job: string) =>
    workflow.jobs[job].steps.filter((step) => step.uses?.startsWith('actions/upload-artifact@')).map((step) => step.with ?? {});

  it('synthesizes once: only the synth job synthesizes, and it uploads cdktf.out', () => {
    for (const job of Object.keys(workflow.jobs).filter((name) => name !== 'synth')) {
      expect({ job, synth: /npm run synth|cdktf synth/.test(runs(job)) }).toEqual({ job, synth: false });
    }
    expect(runs('synth')).toMatch(/npm run synth -- preprod prod/);
    expect(uploads('synth')).toEqual([expect.objectContaining({ name: 'cdktf-out', path: 'cdktf.out' })]);
  });

  it.each([
    ['plan', 'deploy-preprod', 'preprod'],
    ['plan-prod', 'deploy-prod', 'prod'],
  ])('%s plans the uploaded synthesis and %s applies exactly that saved plan file (%s)', (planJob, deployJob, stack) => {
    // The plan job plans what the synth job uploaded, without synthesizing again...
    expect(downloads(planJob)).toEqual(expect.arrayContaining([{ name: 'cdktf-out', path: 'cdktf.out' }]));
    expect(runs(planJob)).toMatch(new RegExp(`npm run plan -- ${stack} --skip-synth$`, 'm'));
    // ...and hands its plan file on.
    expect(uploads(planJob)).toEqual([
      expect.objectContaining({ name: `${stack}-plan`, path: expect.stringContaining(`cdktf.out/stacks/${stack}/tfplan`) }),
    ]);
    // The deploy job applies that file, into the same synthesized stack directory.
    expect(downloads(deployJob)).toEqual(
      expect.arrayContaining([
        { name: 'cdktf-out', path: 'cdktf.out' },
        { name: `${stack}-plan`, path: `cdktf.out/stacks/${stack}` },
      ]),
    );
    expect(runs(deployJob)).toMatch(new RegExp(`^npm run deploy -- ${stack} --plan cdktf.out/stacks/${stack}/tfplan$`, 'm'));
    expect(runs(deployJob)).not.toMatch(/npm run plan|terraform plan/);
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
    expect(runs('publish-prod')).toContain('npx tsx scripts/publish-images.ts prod');
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

  it('pins every action by full commit SHA, with the tag it was taken from in a comment, one SHA per action', () => {
    const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.uses).filter((u): u is string => !!u));
    expect(uses.length).toBeGreaterThan(10);
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    const lines = workflowText.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    expect(lines).toHaveLength(uses.length);
    for (const line of lines) expect(line).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    const shaByAction = new Map<string, Set<string>>();
    for (const action of uses) {
      const [name, sha] = action.split('@');
      shaByAction.set(name, (shaByAction.get(name) ?? new Set()).add(sha));
    }
    for (const [name, shas] of shaByAction) expect({ name, shas: shas.size }).toEqual({ name, shas: 1 });
  });
});
