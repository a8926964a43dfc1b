/**
 * The stacks through the real Terraform CLI and AWS provider 5.100.0, offline:
 * every stack inits from the mirror, validates and plans; the preprod stacks apply against a real
 * local AWS API server (moto) through `npm run deploy`, and destroy leaves nothing.
 * Mocked (cannot exist here): AWS itself (moto stands in) and the registry push: the image
 * digest comes from the manifest fixture and is put into moto's ECR directly (the real push to a
 * real registry is test/integration/deploy/deploy-gate-acceptance.test.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_STACK_NAMES, buildApp } from '../../../main';
import { REPO_ROOT } from '../../../model/paths';
import { MotoServer, startMotoServer } from '../../../harness/local-aws/moto-server';
import { runLocalAws } from '../../../harness/local-aws/local-aws-cli';
import { publishTag } from '../../../model/manifest';
import { runProcessAllowingFailure } from '../../../harness/process/run-process';
import { AwsInventory, readAwsInventory } from './aws-inventory';
import { TerraformSetup, terraform, terraformInit, terraformSetup } from '../../../scripts/terraform-cli';
import { PlaceholderManifest, createPlaceholderManifest } from '../../../deploy/placeholder-manifest';

// jest 29 ignores `testTimeout` inside a project config; Terraform runs take minutes.
jest.setTimeout(15 * 60 * 1000);

let moto: MotoServer;
let fixture: PlaceholderManifest;
let failedFixture: PlaceholderManifest;
let work: string;
let setup: TerraformSetup;

const inventory = (details = false): Promise<AwsInventory> => readAwsInventory(moto.endpoint, details);

function nonEmpty(inv: AwsInventory): Record<string, string[]> {
  return Object.fromEntries(Object.entries(inv.inventory).filter(([, items]) => items.length > 0));
}

/** Runs an npm script as a user does, without blocking this process. */
async function npmRun(script: string, args: string[]): Promise<{ status: number | null; output: string }> {
  const result = await runProcessAllowingFailure('npm', ['run', '--silent', script, '--', ...args], { cwd: REPO_ROOT });
  return { status: result.exitCode, output: result.output };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-stacks-'));
  fixture = await createPlaceholderManifest();
  failedFixture = await createPlaceholderManifest({ passed: false });
  setup = terraformSetup();
  moto = await startMotoServer();
});

afterAll(async () => {
  await moto?.stop();
  fixture?.remove();
  failedFixture?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('terraform, offline', () => {
  it.each(ALL_STACK_NAMES)('%s: init from the provider mirror, validate, plan', async (stack) => {
    const outdir = path.join(work, 'offline');
    buildApp({ outdir, stacks: [stack], manifest: fixture.manifest, manifestPath: fixture.manifestPath, target: { kind: 'offline' }, stateDir: path.join(work, 'offline-state') }).synth();
    const cwd = path.join(outdir, 'stacks', stack);
    const init = await terraformInit({ cwd, setup });
    expect(init).toMatch(/Installed hashicorp\/aws v5\.100\.0/);
    expect(await terraform(['validate', '-no-color'], { cwd, setup })).toMatch(/The configuration is valid/);
    const plan = await terraform(['plan', '-input=false', '-no-color', '-lock=false'], { cwd, setup });
    const planned = /Plan: (\d+) to add, 0 to change, 0 to destroy/.exec(plan);
    expect(planned).not.toBeNull();
    expect(Number(planned?.[1])).toBeGreaterThanOrEqual(stack.endsWith('-registry') ? 2 : 39);
  });
});

describe('terraform apply rehearsal against a local AWS API server (moto)', () => {
  const outdir = () => path.join(work, 'rehearsal');
  const stateDir = () => path.join(work, 'rehearsal-state');
  const deployArgs = (stack: string, manifest: string) => [stack, '--endpoint', moto.endpoint, '--manifest', manifest, '--outdir', outdir(), '--state-dir', stateDir()];

  it('starts from an empty local AWS', async () => {
    expect(nonEmpty(await inventory())).toEqual({});
  });

  it('npm run deploy refuses a failed verification and creates nothing', async () => {
    const { status, output } = await npmRun('deploy', deployArgs('preprod', failedFixture.manifestPath));
    expect(status).not.toBe(0);
    expect(output).toMatch(/Deploy gate REFUSED 'preprod'/);
    expect(nonEmpty(await inventory())).toEqual({});
    expect(fs.existsSync(path.join(outdir(), 'stacks', 'preprod', '.terraform'))).toBe(false);
  });

  it('npm run deploy applies preprod-registry, then preprod, with the verified artifacts', async () => {
    for (const stack of ['preprod-registry', 'preprod']) {
      const { status, output } = await npmRun('deploy', deployArgs(stack, fixture.manifestPath));
      if (status !== 0) throw new Error(`deploy ${stack} failed:\n${output}`);
      expect(output).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
      if (stack === 'preprod-registry') {
        // Stands in for publishing: the fixture's image, under its tag and digest, in the local ECR.
        const image = fixture.manifest.functions.analysis;
        if (image.kind !== 'image') throw new Error('analysis should be an image');
        await runLocalAws(moto.endpoint, 'put-image', {
          repository: 'preprod-sentiment-analysis',
          tag: publishTag(image),
          digest: image.repoDigest,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          manifest: JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: image.imageId },
            layers: [],
          }),
        });
      }
    }
    const { inventory: inv, details } = await inventory(true);
    expect(inv.lambda_functions.sort()).toEqual(['preprod-sentiment-analysis', 'preprod-sentiment-dashboard', 'preprod-sentiment-ingestion']);
    expect(inv.dynamodb_tables).toEqual(['preprod-sentiment-items']);
    // moto's account is 123456789012: bucket names carry it (S3 names are global across accounts).
    expect(inv.s3_buckets.sort()).toEqual(['preprod-sentiment-artifacts-123456789012', 'preprod-sentiment-models-123456789012']);
    expect(inv.secrets.sort()).toEqual(['preprod-sentiment/dashboard-api-key', 'preprod-sentiment/newsapi-key']);
    expect(inv.ecr_repositories).toEqual(['preprod-sentiment-analysis']);
    // Errors, Throttles and Runtime.ImportModuleError per function, plus one per dead-letter queue.
    expect(inv.alarms).toHaveLength(3 * 3 + 2);
    expect(inv.event_rules).toEqual(['preprod-sentiment-ingestion-schedule']);
    expect(inv.sqs_queues.sort()).toEqual(['preprod-sentiment-analysis-dlq', 'preprod-sentiment-ingestion-dlq']);
    expect(inv.sns_topics.map((arn) => arn.split(':').pop()).sort()).toEqual(['preprod-sentiment-alerts', 'preprod-sentiment-topic']);
    // The analysis subscription; the alert topic has none because the test configures no SENTIMENT_ALERT_ENDPOINT.
    expect(inv.sns_subscriptions).toHaveLength(1);

    // moto hashed the archive Terraform uploaded: it is the verified ZIP, byte for byte.
    const dashboardZip = fixture.manifest.functions.dashboard;
    if (dashboardZip.kind !== 'zip') throw new Error('dashboard should be a zip');
    expect(details['preprod-sentiment-dashboard'].CodeSha256).toBe(Buffer.from(dashboardZip.sha256, 'hex').toString('base64'));
    expect(details['preprod-sentiment-dashboard'].Url).toEqual({
      AuthType: 'NONE',
      Cors: expect.objectContaining({ AllowOrigins: ['*'], AllowMethods: ['GET'] }),
    });
    const analysis = fixture.manifest.functions.analysis;
    if (analysis.kind !== 'image') throw new Error('analysis should be an image');
    expect(details['preprod-sentiment-analysis'].ImageUri).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/preprod-sentiment-analysis@${analysis.repoDigest}`);
    expect(details['preprod-sentiment-ingestion'].Environment).toMatchObject({
      DYNAMODB_TABLE: 'preprod-sentiment-items',
      NEWSAPI_KEY_SECRET_ARN: expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:preprod-sentiment\/newsapi-key/),
    });
    expect(details['preprod-sentiment-analysis'].PackageType).toBe('Image');

    // The public URL's two grants (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), as the function's policy holds them.
    // (moto also adds its own InvokeFunctionUrl statement when it creates a NONE URL, as the console does.)
    expect([...new Set(details['preprod-sentiment-dashboard'].PolicyGrants as string[])]).toEqual(['lambda:InvokeFunction *', 'lambda:InvokeFunctionUrl *']);
    expect(details['preprod-sentiment-dashboard'].ReservedConcurrency).toBe(10);
    expect(details['preprod-sentiment-ingestion'].ReservedConcurrency).toBe(1);
    // moto accepts dead_letter_config but does not report it back (GetFunction has no DeadLetterConfig);
    // the synthesized JSON is asserted in test/unit/stacks/first-deploy-hardening.test.ts.
    for (const bucket of inv.s3_buckets) {
      // No TLS-only policy here: moto serves plain HTTP and enforces bucket policies (it answered 403 to Terraform).
      const { lifecycle } = details[`s3:${bucket}`] as { lifecycle: unknown[] };
      expect(lifecycle).toEqual([expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]);
    }
    expect(details['ecr:preprod-sentiment-analysis']).toEqual({
      imageTagMutability: 'IMMUTABLE',
      scanOnPush: true,
      lifecyclePolicy: { rules: [expect.objectContaining({ selection: expect.objectContaining({ countNumber: 10 }) })] },
    });
  });

  it('destroy leaves nothing behind, in Terraform state or in the local AWS', async () => {
    for (const stack of ['preprod', 'preprod-registry']) {
      const cwd = path.join(outdir(), 'stacks', stack);
      const destroyed = await terraform(['destroy', '-auto-approve', '-input=false', '-no-color'], { cwd, setup });
      expect(destroyed).toMatch(/Destroy complete! Resources: \d+ destroyed/);
      expect((await terraform(['state', 'list'], { cwd, setup })).trim()).toBe('');
    }
    expect(nonEmpty(await inventory())).toEqual({});
  });
});
