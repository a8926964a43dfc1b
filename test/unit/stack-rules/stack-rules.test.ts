/**
 * The stack rules pass the real synthesized stacks and catch each mistake on a hand-made bad stack
 * (minimal Terraform JSON, as cdktf writes it), with the offending resource named.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_STACK_NAMES } from '../../../main';
import { STACK_RULES, checkStack, checkSynthesizedStack, formatStackReport } from '../../../deploy/stack-rules/default-pack';
import { StackJson, StackReport, StackRule } from '../../../deploy/stack-rules/types';
import { synthesizeOfflineStacks } from '../stacks/offline-synthesis';

const rule = (id: string): StackRule => {
  const found = STACK_RULES.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};
const verdictOf = (id: string, json: StackJson) => checkStack('hand-made', json, [rule(id)]).verdicts[0];

// ---- hand-made stacks --------------------------------------------------------------------------
const fn = (extra: Record<string, unknown> = {}) => ({ function_name: 'web', package_type: 'Zip', reserved_concurrent_executions: 5, ...extra });
const FN_NAME = '${aws_lambda_function.web.function_name}';
const FN_ARN = '${aws_lambda_function.web.arn}';
const urlGrant = { action: 'lambda:InvokeFunctionUrl', function_name: FN_NAME, principal: '*', function_url_auth_type: 'NONE' };
const invokeGrant = { action: 'lambda:InvokeFunction', function_name: FN_NAME, principal: '*' };
const publicUrlStack = (permissions: Record<string, Record<string, unknown>>, fnExtra: Record<string, unknown> = {}): StackJson => ({
  resource: {
    aws_lambda_function: { web: fn(fnExtra) },
    aws_lambda_function_url: { web_url: { function_name: FN_NAME, authorization_type: 'NONE' } },
    aws_lambda_permission: permissions,
  },
});
const bucketStack = (extra: Record<string, Record<string, unknown>>): StackJson => ({
  resource: { aws_s3_bucket: { b: { bucket: 'preprod-x-123456789012' } }, ...extra } as StackJson['resource'],
});
const tlsPolicy = (resources: string[], secure: string) => ({
  bucket: '${aws_s3_bucket.b.id}',
  policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': secure } } }],
  }),
});

interface Case {
  readonly rule: string;
  readonly mistake: string;
  readonly bad: StackJson;
  readonly evidence: RegExp;
  readonly good: StackJson;
}

const CASES: Case[] = [
  {
    rule: 'function-url-permissions',
    mistake: 'a NONE URL granted lambda:InvokeFunctionUrl only (the 403 of October 2025)',
    bad: publicUrlStack({ url: urlGrant }),
    evidence: /aws_lambda_function_url\.web_url: .*lacks a principal '\*' grant of 'lambda:InvokeFunction'/,
    good: publicUrlStack({ url: urlGrant, invoke: invokeGrant }),
  },
  {
    rule: 'function-url-permissions',
    mistake: 'a NONE URL granted lambda:InvokeFunctionUrl without the NONE auth-type condition',
    bad: publicUrlStack({ url: { ...urlGrant, function_url_auth_type: undefined }, invoke: invokeGrant }),
    evidence: /lacks a principal '\*' grant of 'lambda:InvokeFunctionUrl' \(function_url_auth_type NONE\)/,
    good: publicUrlStack({ url: urlGrant, invoke: invokeGrant }),
  },
  {
    rule: 'public-function-concurrency',
    mistake: 'a public URL function without reserved concurrency',
    bad: publicUrlStack({ url: urlGrant, invoke: invokeGrant }, { reserved_concurrent_executions: undefined }),
    evidence: /aws_lambda_function\.web: function 'web' is publicly invokable; reserved_concurrent_executions is unset/,
    good: publicUrlStack({ url: urlGrant, invoke: invokeGrant }),
  },
  {
    rule: 'async-failure-destination',
    mistake: 'an SNS-triggered function without a DLQ or on-failure destination',
    bad: {
      resource: {
        aws_lambda_function: { web: fn() },
        aws_sns_topic_subscription: { sub: { protocol: 'lambda', endpoint: FN_ARN, topic_arn: '${aws_sns_topic.t.arn}' } },
      },
    },
    evidence: /aws_lambda_function\.web: invoked asynchronously by aws_sns_topic_subscription\.sub/,
    good: {
      resource: {
        aws_lambda_function: { web: fn() },
        aws_sns_topic_subscription: { sub: { protocol: 'lambda', endpoint: FN_ARN, topic_arn: '${aws_sns_topic.t.arn}' } },
        aws_lambda_function_event_invoke_config: {
          cfg: { function_name: FN_NAME, destination_config: { on_failure: { destination: '${aws_sqs_queue.q.arn}' } } },
        },
      },
    },
  },
  {
    rule: 'async-failure-destination',
    mistake: 'a scheduled function (EventBridge target) without a DLQ',
    bad: { resource: { aws_lambda_function: { web: fn() }, aws_cloudwatch_event_target: { t: { arn: FN_ARN, rule: 'r' } } } },
    evidence: /invoked asynchronously by aws_cloudwatch_event_target\.t/,
    good: {
      resource: {
        aws_lambda_function: { web: fn({ dead_letter_config: { target_arn: '${aws_sqs_queue.q.arn}' } }) },
        aws_cloudwatch_event_target: { t: { arn: FN_ARN, rule: 'r' } },
      },
    },
  },
  {
    rule: 'alarm-actions',
    mistake: 'an alarm with actions "enabled" and an empty action list (passes checkov)',
    bad: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: 'web-errors', actions_enabled: true, alarm_actions: [] } } } },
    evidence: /aws_cloudwatch_metric_alarm\.a: alarm 'web-errors' has no alarm_actions/,
    good: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: 'web-errors', alarm_actions: ['${aws_sns_topic.alerts.arn}'] } } } },
  },
  {
    rule: 'alarm-actions',
    mistake: 'an alarm whose actions are disabled',
    bad: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: 'x', actions_enabled: false, alarm_actions: ['${aws_sns_topic.alerts.arn}'] } } } },
    evidence: /actions_enabled = false/,
    good: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: 'x', actions_enabled: true, alarm_actions: ['${aws_sns_topic.alerts.arn}'] } } } },
  },
  {
    rule: 'image-digest-pinned',
    mistake: 'an image function deployed by tag',
    bad: { resource: { aws_lambda_function: { img: { function_name: 'img', package_type: 'Image', image_uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/x:latest' } } } },
    evidence: /aws_lambda_function\.img: image_uri '.*x:latest'/,
    good: {
      resource: {
        aws_lambda_function: {
          literal: { function_name: 'a', package_type: 'Image', image_uri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/x@sha256:${'a'.repeat(64)}` },
          resolved: { function_name: 'b', package_type: 'Image', image_uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/x@${data.aws_ecr_image.verified.image_digest}' },
        },
      },
    },
  },
  {
    rule: 'ecr-repository-hardened',
    mistake: 'a mutable repository that does not scan on push',
    bad: { resource: { aws_ecr_repository: { r: { name: 'x', image_tag_mutability: 'MUTABLE' } } } },
    evidence: /aws_ecr_repository\.r: image_tag_mutability MUTABLE; scan_on_push is not true/,
    good: { resource: { aws_ecr_repository: { r: { name: 'x', image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } } } } },
  },
  {
    rule: 'iam-no-wildcard-actions',
    mistake: 'a role policy document allowing dynamodb:*',
    bad: { data: { aws_iam_policy_document: { p: { statement: [{ sid: 'Table', effect: 'Allow', actions: ['dynamodb:*'], resources: ['${aws_dynamodb_table.t.arn}'] }] } } } },
    evidence: /data\.aws_iam_policy_document\.p: statement 'Table' allows dynamodb:\*/,
    good: { data: { aws_iam_policy_document: { p: { statement: [{ sid: 'Table', effect: 'Allow', actions: ['dynamodb:PutItem'], resources: ['${aws_dynamodb_table.t.arn}'] }] } } } },
  },
  {
    rule: 'iam-no-wildcard-actions',
    mistake: 'a literal JSON role policy allowing s3:Get*',
    bad: {
      resource: {
        aws_iam_role_policy: {
          p: { policy: JSON.stringify({ Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*' }] }) },
        },
      },
    },
    evidence: /aws_iam_role_policy\.p: policy statement 'Read' allows s3:Get\*/,
    good: bucketStack({ aws_s3_bucket_policy: { p: tlsPolicy(['${aws_s3_bucket.b.arn}', '${aws_s3_bucket.b.arn}/*'], 'false') } }),
  },
  {
    rule: 'bucket-tls-only',
    mistake: 'a bucket without a TLS-only policy',
    bad: bucketStack({}),
    evidence: /aws_s3_bucket\.b: bucket 'preprod-x-123456789012' has no Deny on aws:SecureTransport/,
    good: bucketStack({ aws_s3_bucket_policy: { p: tlsPolicy(['${aws_s3_bucket.b.arn}', '${aws_s3_bucket.b.arn}/*'], 'false') } }),
  },
  {
    rule: 'bucket-tls-only',
    mistake: 'a TLS-only policy that covers the bucket but not its objects',
    bad: bucketStack({ aws_s3_bucket_policy: { p: tlsPolicy(['${aws_s3_bucket.b.arn}'], 'false') } }),
    evidence: /aws_s3_bucket\.b/,
    good: bucketStack({ aws_s3_bucket_policy: { p: tlsPolicy(['${aws_s3_bucket.b.arn}', '${aws_s3_bucket.b.arn}/*'], 'false') } }),
  },
  {
    rule: 'versioned-bucket-lifecycle',
    mistake: 'a versioned bucket without noncurrent-version expiry',
    bad: bucketStack({ aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: { status: 'Enabled' } } } }),
    evidence: /aws_s3_bucket\.b: bucket 'preprod-x-123456789012' is versioned with no enabled noncurrent_version_expiration rule/,
    good: bucketStack({
      aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: { status: 'Enabled' } } },
      aws_s3_bucket_lifecycle_configuration: {
        l: { bucket: '${aws_s3_bucket.b.id}', rule: [{ id: 'x', status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }] }] },
      },
    }),
  },
];

describe('each stack rule catches its mistake on a hand-made bad stack', () => {
  it.each(CASES.map((c) => [c.rule, c.mistake, c] as const))('%s: %s', (_id, _mistake, c) => {
    const bad = verdictOf(c.rule, c.bad);
    expect(bad.level).toBe('fail');
    expect(bad.evidence.map((e) => `${e.file}: ${e.detail}`).join('\n')).toMatch(c.evidence);
    expect(bad.fix).not.toBe('');
    expect(verdictOf(c.rule, c.good).level).toBe('pass');
  });

  it('has a hand-made case for every failing rule of the pack', () => {
    const failing = STACK_RULES.map((r) => r.id).filter((id) => id !== 'alert-subscriber');
    expect([...new Set(CASES.map((c) => c.rule))].sort()).toEqual(failing.sort());
  });

  it('alert-subscriber warns (does not fail) when the alert topic has no subscriber, and passes with one', () => {
    const alarm = { aws_cloudwatch_metric_alarm: { a: { alarm_name: 'x', alarm_actions: ['${aws_sns_topic.alerts.arn}'] } } };
    const lonely = verdictOf('alert-subscriber', { resource: alarm });
    expect(lonely.level).toBe('warn');
    expect(lonely.fix).toMatch(/SENTIMENT_ALERT_ENDPOINT/);
    const subscribed = verdictOf('alert-subscriber', {
      resource: { ...alarm, aws_sns_topic_subscription: { s: { topic_arn: '${aws_sns_topic.alerts.arn}', protocol: 'email', endpoint: 'ops@example.com' } } },
    });
    expect(subscribed.level).toBe('pass');
  });

  it('bucket-tls-only only warns for a rehearsal whose S3 endpoint is a local plain-HTTP server (moto enforces bucket policies)', () => {
    const rehearsal = { ...bucketStack({}), provider: { aws: [{ endpoints: [{ s3: 'http://127.0.0.1:5000' }] }] } };
    expect(verdictOf('bucket-tls-only', rehearsal).level).toBe('warn');
    const realAws = { ...bucketStack({}), provider: { aws: [{ region: 'us-east-1' }] } };
    expect(verdictOf('bucket-tls-only', realAws).level).toBe('fail');
  });

  it('a rule that throws becomes a fail naming the rule, not a crash', () => {
    const broken: StackRule = { id: 'broken', description: '', protectsAgainst: '', check: () => { throw new Error('boom'); } };
    const report = checkStack('x', {}, [broken]);
    expect(report.passed).toBe(false);
    expect(report.verdicts[0].message).toMatch(/the rule itself failed: boom/);
  });

  it('formats a failing report with the evidence and the fix', () => {
    const report = checkStack('hand-made', CASES[0].bad);
    const text = formatStackReport(report, { showPasses: false });
    expect(text).toMatch(/FAIL {2}function-url-permissions/);
    expect(text).toMatch(/fix: Add aws_lambda_permission/);
    expect(text).toMatch(/FAILED: \d+ pass, \d+ warn, [1-9]\d* fail/);
  });
});

describe('the real synthesized stacks', () => {
  const synthesis = synthesizeOfflineStacks('stack-rules-');
  let preprod: StackReport;
  beforeAll(() => {
    preprod = checkSynthesizedStack(synthesis.outdir, 'preprod');
  });

  it.each(ALL_STACK_NAMES)('%s passes every rule', (stack) => {
    const report = checkSynthesizedStack(synthesis.outdir, stack);
    const failures = report.verdicts.filter((v) => v.level === 'fail');
    expect(failures).toEqual([]);
    expect(report.passed).toBe(true);
  });

  // Not vacuous: on preprod each rule found what it judges (the URL, the public function, the alarms, the image, the buckets).
  it.each([
    ['function-url-permissions', '1 public Function URL(s) carry both permissions'],
    ['public-function-concurrency', '1 public function(s), each with a concurrency limit'],
    ['alarm-actions', '11 alarm(s), each with an action'],
    ['image-digest-pinned', '1 image function(s) pinned by digest'],
    ['bucket-tls-only', '2 bucket(s) TLS-only'],
    ['versioned-bucket-lifecycle', '2 versioned bucket(s) expire old versions'],
  ])('%s judged what preprod has: %s', (rule, message) => {
    expect(preprod.verdicts.find((verdict) => verdict.rule === rule)?.message).toBe(message);
  });

  it('names a missing stack with the command that makes it', () => {
    expect(() => checkSynthesizedStack(path.join(synthesis.outdir, 'nowhere'), 'preprod')).toThrow(/No synthesized stack at .*npm run synth -- preprod/);
  });
});

describe('README', () => {
  it("lists every stack rule with what it protects against (the deploy section's table)", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const table = /<!-- stack-rules -->([\s\S]*?)<!-- \/stack-rules -->/.exec(readme)?.[1] ?? '';
    for (const r of STACK_RULES) {
      expect(table).toMatch(new RegExp(`\\| \`${r.id}\`(?: \\(warning\\))? \\| ${r.protectsAgainst.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|`));
    }
    expect((table.match(/^\| `/gm) ?? []).length).toBe(STACK_RULES.length);
  });
});
