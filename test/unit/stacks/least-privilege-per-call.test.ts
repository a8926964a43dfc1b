/**
 * Least privilege per call (issue 12): each function's role grants exactly the AWS actions its
 * Python code calls, on the resource it calls them on: no more (a grant nobody calls), no less
 * (a call AWS would deny while moto, which does not enforce IAM, lets it pass).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { machineCatalog } from '../../../harness/machine-catalog';
import { REPO_ROOT } from '../../../model/paths';
import { ALL_STACK_NAMES } from '../../../main';
import { boto3CallsInDirectory, boto3CallsInSource } from './boto3-calls';
import { synthesizeOfflineStacks } from './offline-synthesis';

interface Statement { readonly sid?: string; readonly actions?: string[]; readonly resources?: string[]; readonly principals?: unknown }
type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Grants the platform uses, not the function's code: its own logs, pulling its own image, and
 * `sqs:SendMessage` on its own dead-letter queue, which Lambda sends failed asynchronous events to
 * with the execution role (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
function isPlatformGrant(action: string, resources: readonly string[]): boolean {
  if (/^(logs|ecr):/.test(action)) return true;
  return action === 'sqs:SendMessage' && resources.length > 0 && resources.every((r) => /^\$\{aws_sqs_queue\.[^.]*dead-letters[^.]*\.arn\}$/.test(r));
}

const synthesis = synthesizeOfflineStacks('per-call-');
const stacks: Record<string, { data?: Blocks }> = {};

beforeAll(() => {
  for (const name of ALL_STACK_NAMES) stacks[name] = synthesis.stackJson(name);
});

/** action -> resources granted to one function's role in one stack, platform actions left out. */
function grantedActions(stack: string, fn: string): Map<string, string[]> {
  const documents = Object.entries(stacks[stack].data?.aws_iam_policy_document ?? {}).filter(([id]) => id.startsWith(`${fn}_role_permissions`));
  expect(documents).toHaveLength(1);
  const granted = new Map<string, string[]>();
  for (const statement of documents[0][1].statement as Statement[]) {
    for (const action of statement.actions ?? []) {
      if (!isPlatformGrant(action, statement.resources ?? [])) granted.set(action, [...(granted.get(action) ?? []), ...(statement.resources ?? [])]);
    }
  }
  return granted;
}

describe('the boto3 call reader', () => {
  it('maps bound clients, tables and chained calls to IAM actions', () => {
    // A Python module as the reader sees it.
    const source = `
table = boto3.resource("dynamodb").Table(name)
sns = boto3.client("sns")
table.put_item(Item=item)
x = table.get_item(Key=k)
sns.publish(TopicArn=t, Message=m)
value = boto3.client("secretsmanager").get_secret_value(SecretId=arn).get("SecretString", "")
key = value.strip()  # a response, not a client
boto3.client("s3").download_file(bucket, key, path)
mytable.scan()  # another name: not a bound table
`;
    expect(boto3CallsInSource(source).map((c) => c.action).sort()).toEqual([
      'dynamodb:GetItem', 'dynamodb:PutItem', 's3:GetObject', 'secretsmanager:GetSecretValue', 'sns:Publish',
    ]);
  });

  it('reads `table = table or boto3.resource(...).Table(...)` as a table binding', () => {
    expect(boto3CallsInSource('table = table or boto3.resource("dynamodb").Table(n)\npage = table.scan(**kw)').map((c) => c.action)).toEqual(['dynamodb:Scan']);
  });
});

describe.each(machineCatalog().map((spec) => [spec.name, spec] as const))('%s', (name, spec) => {
  const calls = boto3CallsInDirectory(path.join(REPO_ROOT, spec.sourceDir));
  const called = [...new Set(calls.map((c) => c.action))].sort();

  it('its code makes AWS calls the reader finds (the comparison is not vacuous)', () => {
    expect(called.length).toBeGreaterThan(0);
  });

  it.each(['preprod', 'prod'])('%s: the role grants exactly the calls in its code', (stack) => {
    expect([...grantedActions(stack, name).keys()].sort()).toEqual(called);
  });

  it('each grant names only the resource its calls use', () => {
    const granted = grantedActions('preprod', name);
    for (const [action, resources] of granted) {
      const service = action.split(':')[0];
      const expected = {
        dynamodb: /^\$\{aws_dynamodb_table\.[^.]+\.arn\}$/,
        sns: /^\$\{aws_sns_topic\.[^.]+\.arn\}$/,
        s3: /^\$\{aws_s3_bucket\.[^.]+models[^.]*\.arn\}\/distilbert\/\*$/,
        secretsmanager: /^\$\{aws_secretsmanager_secret\.[^.]+\.arn\}$/,
      }[service];
      expect({ action, resources, known: expected !== undefined }).toEqual({ action, resources, known: true });
      for (const resource of resources) expect({ action, resource }).toEqual({ action, resource: expect.stringMatching(expected!) });
    }
  });

  it('reads exactly the secrets whose ARN variables its code reads', () => {
    const sources = calls.length > 0 ? readSources(path.join(REPO_ROOT, spec.sourceDir)) : '';
    const readSecrets = Object.entries(spec.environment ?? {})
      .filter(([variable, value]) => typeof value !== 'string' && value.ref === 'secret-arn' && sources.includes(`"${variable}"`))
      .map(([, value]) => (value as { secret: string }).secret)
      .sort();
    expect([...(spec.uses?.secrets ?? [])].sort()).toEqual(readSecrets);
    const secretResources = grantedActions('preprod', name).get('secretsmanager:GetSecretValue') ?? [];
    expect(secretResources).toHaveLength(readSecrets.length);
    for (const secret of readSecrets) expect(secretResources).toContainEqual(expect.stringContaining(`secret-${secret}_`));
  });
});

function readSources(dir: string): string {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.py')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}
