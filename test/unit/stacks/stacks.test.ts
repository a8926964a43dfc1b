import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { ALL_STACK_NAMES, buildApp } from '../../../main';
import { AwsTarget } from '../../../stacks/aws-target';
import { PlaceholderManifest, createPlaceholderManifest } from '../../../deploy/placeholder-manifest';

interface SynthBlock {
  readonly function_name?: string;
  readonly image_uri?: string;
  readonly lifecycle?: { readonly precondition?: readonly { readonly condition: string; readonly error_message: string }[] };
}
interface SynthJson {
  readonly resource: Record<string, Record<string, SynthBlock>>;
  readonly data?: Record<string, Record<string, SynthBlock>>;
}

Testing.setupJest();

let fixture: PlaceholderManifest;
let outdir: string;
const synthesized: Record<string, string> = {};

function stackJson(name: string): { resource: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, Record<string, Record<string, unknown>>> } {
  return JSON.parse(synthesized[name]);
}

beforeAll(async () => {
  fixture = await createPlaceholderManifest();
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-'));
  const app = buildApp({ outdir, manifest: fixture.manifest, target: { kind: 'offline' }, stateDir: path.join(outdir, 'state') });
  for (const name of ALL_STACK_NAMES) synthesized[name] = Testing.synth(app.node.findChild(name) as TerraformStack);
});
afterAll(() => {
  fixture.remove();
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('application stacks', () => {
  it.each(['preprod', 'prod'])('%s: table with PITR and encryption, encrypted topic, private versioned buckets', (env) => {
    const stack = synthesized[env];
    expect(stack).toHaveResourceWithProperties(DynamodbTable, {
      name: `${env}-sentiment-items`,
      hash_key: 'source_id',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: env === 'prod',
    });
    expect(stack).toHaveResourceWithProperties(SnsTopic, { name: `${env}-sentiment-topic`, kms_master_key_id: 'alias/aws/sns' });
    // Bucket names carry the account id (S3 names are global); offline stacks use the local account.
    expect(stack).toHaveResourceWithProperties(S3Bucket, { bucket: `${env}-sentiment-models-123456789012`, force_destroy: env !== 'prod' });
    expect(stack).toHaveResourceWithProperties(S3Bucket, { bucket: `${env}-sentiment-artifacts-123456789012` });
    expect(stack).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(stack).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(Object.keys(stackJson(env).resource.aws_s3_bucket_server_side_encryption_configuration)).toHaveLength(2);
  });

  it.each(['preprod', 'prod'])('%s: secrets are declared without values, and functions get only their ARNs', (env) => {
    const stack = synthesized[env];
    expect(stack).toHaveResourceWithProperties(SecretsmanagerSecret, { name: `${env}-sentiment/dashboard-api-key` });
    expect(stack).toHaveResourceWithProperties(SecretsmanagerSecret, { name: `${env}-sentiment/newsapi-key` });
    expect(stackJson(env).resource).not.toHaveProperty('aws_secretsmanager_secret_version');
    const lambdas = Object.values(stackJson(env).resource.aws_lambda_function);
    const dashboard = lambdas.find((fn) => fn.function_name === `${env}-sentiment-dashboard`) as { environment: { variables: Record<string, string> } };
    expect(dashboard.environment.variables.DASHBOARD_API_KEY_SECRET_ARN).toMatch(/^\$\{aws_secretsmanager_secret\.[^.]+\.arn\}$/);
    expect(dashboard.environment.variables.DYNAMODB_TABLE).toMatch(/^\$\{aws_dynamodb_table\.[^.]+\.name\}$/);
    expect(dashboard.environment.variables.ENVIRONMENT).toBe(env);
  });

  it('packages per ADR-005: ingestion and dashboard as verified ZIPs, analysis as an image pinned by digest', () => {
    const stack = synthesized.preprod;
    const zips = fixture.manifest.functions;
    for (const name of ['dashboard', 'ingestion']) {
      const entry = zips[name];
      if (entry.kind !== 'zip') throw new Error(`fixture ${name} should be a zip`);
      expect(stack).toHaveResourceWithProperties(LambdaFunction, {
        function_name: `preprod-sentiment-${name}`,
        package_type: 'Zip',
        runtime: 'python3.13',
        source_code_hash: Buffer.from(entry.sha256, 'hex').toString('base64'),
      });
    }
    const analysis = zips.analysis;
    if (analysis.kind !== 'image') throw new Error('fixture analysis should be an image');
    expect(stack).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'preprod-sentiment-analysis',
      package_type: 'Image',
      image_uri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/preprod-sentiment-analysis@${analysis.repoDigest}`,
      memory_size: 2048,
      timeout: 120,
    });
  });

  it('opens dashboard CORS to * in preprod only; prod lists its origin', () => {
    expect(synthesized.preprod).toHaveResourceWithProperties(LambdaFunctionUrl, {
      authorization_type: 'NONE',
      invoke_mode: 'BUFFERED',
      cors: expect.objectContaining({ allow_origins: ['*'] }),
    });
    expect(synthesized.prod).toHaveResourceWithProperties(LambdaFunctionUrl, {
      cors: expect.objectContaining({ allow_origins: ['https://dashboard.sentiment-analyzer.example'] }),
    });
    expect(synthesized.prod).not.toHaveResourceWithProperties(LambdaFunctionUrl, { cors: expect.objectContaining({ allow_origins: ['*'] }) });
  });

  it('schedules ingestion and subscribes analysis to the topic, each with a source-scoped Lambda permission', () => {
    const stack = synthesized.preprod;
    expect(stack).toHaveResourceWithProperties(CloudwatchEventRule, { schedule_expression: 'rate(15 minutes)' });
    expect(stack).toHaveResourceWithProperties(LambdaPermission, {
      principal: 'events.amazonaws.com',
      action: 'lambda:InvokeFunction',
      source_arn: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\..+\.arn\}$/),
    });
    expect(stack).toHaveResourceWithProperties(LambdaPermission, {
      principal: 'sns.amazonaws.com',
      source_arn: expect.stringMatching(/^\$\{aws_sns_topic\..+\.arn\}$/),
    });
    expect(stack).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: 'lambda' });
  });

  it('keeps ECR repositories in the registry stacks, hardened, one per image function', () => {
    expect(synthesized['preprod-registry']).toHaveResourceWithProperties(EcrRepository, {
      name: 'preprod-sentiment-analysis',
      image_tag_mutability: 'IMMUTABLE',
      force_delete: true,
    });
    expect(synthesized['prod-registry']).toHaveResourceWithProperties(EcrRepository, { name: 'prod-sentiment-analysis', force_delete: false });
    expect(stackJson('preprod').resource).not.toHaveProperty('aws_ecr_repository');
  });

  it('uses only the hashicorp/aws provider in every stack (offline terraform init)', () => {
    for (const name of ALL_STACK_NAMES) {
      const json = JSON.parse(synthesized[name]) as { terraform: { required_providers: Record<string, unknown> } };
      expect(Object.keys(json.terraform.required_providers)).toEqual(['aws']);
    }
  });
});

describe('stacks synthesize what they cannot deploy, and carry the refusal to plan', () => {
  const synthPreprod = (manifest: typeof fixture.manifest, target: AwsTarget = { kind: 'offline' }) => {
    const app = buildApp({ outdir, stacks: ['preprod'], manifest, manifestPath: fixture.manifestPath, target, stateDir: path.join(outdir, 'state') });
    return JSON.parse(Testing.synth(app.node.findChild('preprod') as TerraformStack)) as SynthJson;
  };
  const messagesOf = (json: SynthJson, fn: string): string[] =>
    Object.values(json.resource.aws_lambda_function)
      .filter((block) => block.function_name === `preprod-sentiment-${fn}`)
      .flatMap((block) => (block.lifecycle?.precondition ?? []).map((p) => p.error_message));

  it('names a function missing from the manifest', () => {
    const { dashboard: _dropped, ...rest } = fixture.manifest.functions;
    expect(messagesOf(synthPreprod({ ...fixture.manifest, functions: rest }), 'dashboard').join('\n')).toMatch(
      /Deploy gate: function 'dashboard' \(preprod-sentiment-dashboard\)[^]*never verified[^]*npm run verify -- dashboard/,
    );
  });

  it('looks an unpublished image up by its tag at plan, refusing until it is published', () => {
    const analysis = fixture.manifest.functions.analysis;
    const unpushed = { ...fixture.manifest, functions: { ...fixture.manifest.functions, analysis: { ...analysis, repoDigest: undefined } } };
    const json = synthPreprod(unpushed, { kind: 'local', endpoint: 'http://127.0.0.1:9' });
    const image = Object.values(json.data?.aws_ecr_image ?? {});
    expect(image).toHaveLength(1);
    expect(image[0].lifecycle?.precondition?.[0].error_message).toMatch(/not published to the registry yet[^]*publish-images.ts preprod/);
    const fn = Object.values(json.resource.aws_lambda_function).find((block) => block.function_name === 'preprod-sentiment-analysis');
    expect(fn?.image_uri).toMatch(/^\$\{data\.aws_ecr_repository\.[^}]+\.repository_url\}@\$\{data\.aws_ecr_image\.[^}]+\.image_digest\}$/);
  });

  it('names a packaging switch that changed since verification', () => {
    const dashboard = fixture.manifest.functions.analysis;
    const swapped = { ...fixture.manifest, functions: { ...fixture.manifest.functions, dashboard: { ...dashboard, functionName: 'dashboard' } } };
    expect(messagesOf(synthPreprod(swapped), 'dashboard').join('\n')).toMatch(/packaging: verified image, stack deploys zip/);
  });

  it('synthesizes real-AWS stacks without an account id: the image repository is looked up at plan', () => {
    const previous = process.env.SENTIMENT_AWS_ACCOUNT_ID;
    delete process.env.SENTIMENT_AWS_ACCOUNT_ID;
    try {
      expect(() => buildApp({ outdir, stacks: ['prod'], manifest: fixture.manifest, target: { kind: 'aws' } }).synth()).not.toThrow();
    } finally {
      if (previous !== undefined) process.env.SENTIMENT_AWS_ACCOUNT_ID = previous;
    }
  });
});

describe('catalog switch: dashboard as an image (spec 002)', () => {
  it('deploys the dashboard from its own ECR repository, pinned by digest', async () => {
    const previous = process.env.DASHBOARD_PACKAGING;
    process.env.DASHBOARD_PACKAGING = 'image';
    try {
      let mainModule!: typeof import('../../../main');
      let fixtureModule!: typeof import('../../../deploy/placeholder-manifest');
      jest.isolateModules(() => {
        mainModule = require('../../../main');
        fixtureModule = require('../../../deploy/placeholder-manifest');
      });
      const imageFixture = await fixtureModule.createPlaceholderManifest();
      try {
        const app = mainModule.buildApp({ outdir, stacks: ['preprod-registry', 'preprod'], manifest: imageFixture.manifest, target: { kind: 'offline' } });
        const registry = Testing.synth(app.node.findChild('preprod-registry') as TerraformStack);
        const stack = Testing.synth(app.node.findChild('preprod') as TerraformStack);
        expect(registry).toHaveResourceWithProperties(EcrRepository, { name: 'preprod-sentiment-dashboard' });
        const dashboard = imageFixture.manifest.functions.dashboard;
        expect(dashboard.kind).toBe('image');
        expect(stack).toHaveResourceWithProperties(LambdaFunction, {
          function_name: 'preprod-sentiment-dashboard',
          package_type: 'Image',
          image_uri: expect.stringMatching(/preprod-sentiment-dashboard@sha256:[0-9a-f]{64}$/),
        });
        expect(stack).toHaveResourceWithProperties(LambdaFunctionUrl, { authorization_type: 'NONE' });
      } finally {
        imageFixture.remove();
      }
    } finally {
      if (previous === undefined) delete process.env.DASHBOARD_PACKAGING;
      else process.env.DASHBOARD_PACKAGING = previous;
    }
  });
});
