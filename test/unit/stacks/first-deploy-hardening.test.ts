/**
 * What a first real deploy needs and moto cannot show: a public Function URL that AWS answers,
 * failures that reach someone, bounded concurrency, buckets reachable over TLS only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../../main';
import { PlaceholderManifest, createPlaceholderManifest } from '../../../deploy/placeholder-manifest';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
interface StackJson {
  resource: Blocks;
  data?: Blocks;
}

let fixture: PlaceholderManifest;
let outdir: string;
const stacks: Record<string, StackJson> = {};

function synth(env: 'preprod' | 'prod', outputDir: string, extraEnv: Record<string, string | undefined> = {}): StackJson {
  const saved = Object.fromEntries(Object.keys(extraEnv).map((key) => [key, process.env[key]]));
  Object.assign(process.env, extraEnv);
  for (const [key, value] of Object.entries(extraEnv)) if (value === undefined) delete process.env[key];
  try {
    buildApp({ outdir: outputDir, stacks: [env], manifest: fixture.manifest, target: { kind: 'offline' }, stateDir: path.join(outputDir, 'state') }).synth();
    return JSON.parse(fs.readFileSync(path.join(outputDir, 'stacks', env, 'cdk.tf.json'), 'utf8')) as StackJson;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const blocks = (stack: StackJson, type: string) => Object.entries(stack.resource[type] ?? {});

beforeAll(async () => {
  fixture = await createPlaceholderManifest();
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-'));
  stacks.preprod = synth('preprod', path.join(outdir, 'a'), { SENTIMENT_ALERT_ENDPOINT: undefined, SENTIMENT_ALERT_ENDPOINT_PREPROD: 'ops@example.com' });
  stacks.prod = synth('prod', path.join(outdir, 'b'), { SENTIMENT_ALERT_ENDPOINT: 'https://hooks.example.com/alerts', SENTIMENT_ALERT_ENDPOINT_PROD: undefined });
});
afterAll(() => {
  fixture.remove();
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('the public Function URL (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html)', () => {
  it.each(['preprod', 'prod'])('%s: grants both lambda:InvokeFunctionUrl (NONE URLs only) and lambda:InvokeFunction on the dashboard', (env) => {
    const permissions = blocks(stacks[env], 'aws_lambda_permission')
      .map(([, block]) => block)
      .filter((block) => block.principal === '*');
    const dashboard = /^\$\{aws_lambda_function\.dashboard_zip_function_[A-F0-9]+\.function_name\}$/;
    expect(permissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'lambda:InvokeFunctionUrl', function_url_auth_type: 'NONE', function_name: expect.stringMatching(dashboard) }),
        expect.objectContaining({ action: 'lambda:InvokeFunction', function_name: expect.stringMatching(dashboard) }),
      ]),
    );
    // Only the URL function is public: no other function gets a principal-* grant.
    expect(permissions).toHaveLength(2);
  });

  it('caps the public function and every other one with reserved concurrency from the catalog', () => {
    const byName = Object.fromEntries(blocks(stacks.preprod, 'aws_lambda_function').map(([, block]) => [block.function_name, block.reserved_concurrent_executions]));
    expect(byName).toEqual({
      'preprod-sentiment-dashboard': 10,
      'preprod-sentiment-ingestion': 1,
      'preprod-sentiment-analysis': 5,
    });
  });
});

describe('failures reach someone', () => {
  it('subscribes the configured endpoint to the alert topic, per environment (e-mail or https)', () => {
    const subscriptions = (env: string) => blocks(stacks[env], 'aws_sns_topic_subscription').map(([, block]) => block);
    expect(subscriptions('preprod')).toEqual(expect.arrayContaining([expect.objectContaining({ protocol: 'email', endpoint: 'ops@example.com' })]));
    expect(subscriptions('prod')).toEqual(
      expect.arrayContaining([expect.objectContaining({ protocol: 'https', endpoint: 'https://hooks.example.com/alerts' })]),
    );
    expect(blocks(stacks.preprod, 'aws_sns_topic').map(([, block]) => block.name)).toContain('preprod-sentiment-alerts');
  });

  it('alarms on Errors, Throttles and Runtime.ImportModuleError per function, and on dead letters; every alarm notifies the alert topic', () => {
    const alarms = blocks(stacks.preprod, 'aws_cloudwatch_metric_alarm').map(([, block]) => block);
    const names = alarms.map((alarm) => alarm.alarm_name).sort();
    expect(names).toEqual(
      [
        ...['analysis', 'dashboard', 'ingestion'].flatMap((fn) => [`preprod-sentiment-${fn}-errors`, `preprod-sentiment-${fn}-throttles`, `preprod-sentiment-${fn}-import-module-error`]),
        'preprod-sentiment-analysis-dlq-messages',
        'preprod-sentiment-ingestion-dlq-messages',
      ].sort(),
    );
    for (const alarm of alarms) {
      expect({ alarm: alarm.alarm_name, actions: alarm.alarm_actions }).toEqual({
        alarm: alarm.alarm_name,
        actions: [expect.stringMatching(/^\$\{aws_sns_topic\.alerts_topic_[A-F0-9]+\.arn\}$/)],
      });
    }
  });

  it('gives the asynchronously invoked functions (schedule, SNS) a dead-letter queue they may send to; the URL function none', () => {
    const functions = Object.fromEntries(blocks(stacks.preprod, 'aws_lambda_function').map(([, block]) => [block.function_name, block]));
    for (const fn of ['ingestion', 'analysis']) {
      const queueArn = (functions[`preprod-sentiment-${fn}`].dead_letter_config as { target_arn?: string } | undefined)?.target_arn;
      expect(queueArn).toMatch(new RegExp(`^\\$\\{aws_sqs_queue\\.${fn}_dead-letters_queue_[A-F0-9]+\\.arn\\}$`));
      const documents = Object.entries(stacks.preprod.data?.aws_iam_policy_document ?? {}).filter(([id]) => id.startsWith(`${fn}_role_permissions`));
      const statements = documents[0][1].statement as Array<{ actions: string[]; resources: string[] }>;
      expect(statements).toEqual(
        expect.arrayContaining([{ sid: 'SendFailedEventsToDeadLetterQueue', effect: 'Allow', actions: ['sqs:SendMessage'], resources: [queueArn] }]),
      );
    }
    expect(functions['preprod-sentiment-dashboard'].dead_letter_config).toBeUndefined();
    const queues = blocks(stacks.preprod, 'aws_sqs_queue').map(([, block]) => block);
    expect(queues.map((queue) => queue.name).sort()).toEqual(['preprod-sentiment-analysis-dlq', 'preprod-sentiment-ingestion-dlq']);
    for (const queue of queues) expect(queue).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
  });
});

describe('buckets', () => {
  it('deny every request that does not use TLS, on the bucket and its objects', () => {
    const policies = blocks(stacks.prod, 'aws_s3_bucket_policy').map(([, block]) => JSON.parse(block.policy as string));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Statement).toEqual([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [expect.stringMatching(/^\$\{aws_s3_bucket\..+\.arn\}$/), expect.stringMatching(/^\$\{aws_s3_bucket\..+\.arn\}\/\*$/)],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
    }
  });

  it('expire noncurrent versions (the artifact bucket keeps every overwritten archive otherwise)', () => {
    const rules = blocks(stacks.prod, 'aws_s3_bucket_lifecycle_configuration').map(([, block]) => (block.rule as unknown[])[0]);
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule).toMatchObject({ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] });
    }
  });

  it('refuse to plan against another account than the one in their names, except offline', () => {
    const local = synth('preprod', path.join(outdir, 'c'));
    expect(local.data?.aws_caller_identity).toBeUndefined();
    const app = buildApp({ outdir: path.join(outdir, 'd'), stacks: ['preprod'], manifest: fixture.manifest, target: { kind: 'local', endpoint: 'http://127.0.0.1:5000' } });
    app.synth();
    const rehearsal = JSON.parse(fs.readFileSync(path.join(outdir, 'd', 'stacks', 'preprod', 'cdk.tf.json'), 'utf8')) as StackJson;
    expect(Object.keys(rehearsal.data?.aws_caller_identity ?? {})).toHaveLength(1);
    for (const [, bucket] of blocks(rehearsal, 'aws_s3_bucket')) {
      expect(bucket.lifecycle).toEqual({
        precondition: [
          {
            condition: expect.stringMatching(/^\$\{\(?data\.aws_caller_identity\.caller\.account_id == "123456789012"\)?\}$/),
            error_message: expect.stringContaining('SENTIMENT_AWS_ACCOUNT_ID'),
          },
        ],
      });
    }
  });

  it('refuses an alert endpoint that is neither an e-mail address nor an https URL, naming the variable', () => {
    expect(() => synth('prod', path.join(outdir, 'e'), { SENTIMENT_ALERT_ENDPOINT_PROD: 'http://insecure.example.com' })).toThrow(
      /Alert endpoint 'http:\/\/insecure\.example\.com' is neither an e-mail address nor an https:\/\/ URL.*SENTIMENT_ALERT_ENDPOINT/,
    );
  });
});
