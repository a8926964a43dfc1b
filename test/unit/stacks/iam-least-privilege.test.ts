/**
 * Walks every IAM policy in every synthesized stack: no wildcard action anywhere, no wildcard
 * resource where the service allows a specific one, and each role holds only what its function uses.
 */
import { ALL_STACK_NAMES } from '../../../main';
import { ACTIONS_WITHOUT_RESOURCE_SCOPE, isWildcardAction, isWildcardResource } from '../../../modules/policy-statements';
import { synthesizeOfflineStacks } from './offline-synthesis';

interface Statement {
  readonly sid?: string;
  readonly actions?: string[];
  readonly not_actions?: string[];
  readonly resources?: string[];
  readonly not_resources?: string[];
  readonly effect?: string;
  readonly principals?: unknown;
}
type Blocks = Record<string, Record<string, Record<string, unknown>>>;

const synthesis = synthesizeOfflineStacks('iam-walk-');
const stacks: Record<string, { resource?: Blocks; data?: Blocks }> = {};

beforeAll(() => {
  for (const name of ALL_STACK_NAMES) stacks[name] = synthesis.stackJson(name);
});

/** Permission statements: policy documents used as role policies (assume-role documents have principals). */
function permissionStatements(stack: { data?: Blocks }): Array<{ document: string; statement: Statement }> {
  const found: Array<{ document: string; statement: Statement }> = [];
  for (const [document, block] of Object.entries(stack.data?.aws_iam_policy_document ?? {})) {
    for (const statement of (block.statement as Statement[]) ?? []) {
      if (!statement.principals) found.push({ document, statement });
    }
  }
  return found;
}

/** Literal JSON policies anywhere (role/bucket/repository policies written as strings). */
type LiteralStatement = { Effect?: string; Action?: unknown; Resource?: unknown };
function literalPolicies(stack: { resource?: Blocks }): Array<{ where: string; statement: LiteralStatement }> {
  const found: Array<{ where: string; statement: LiteralStatement }> = [];
  for (const [type, blocks] of Object.entries(stack.resource ?? {})) {
    for (const [id, block] of Object.entries(blocks)) {
      const policy = block.policy;
      if (typeof policy !== 'string' || policy.startsWith('${')) continue;
      const parsed = JSON.parse(policy) as { Statement?: LiteralStatement[] };
      for (const statement of parsed.Statement ?? []) found.push({ where: `${type}.${id}`, statement });
    }
  }
  return found;
}

const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

describe('IAM least privilege across every synthesized stack', () => {
  it('finds the policies it walks (the walk is not vacuous)', () => {
    expect(permissionStatements(stacks.preprod).length).toBeGreaterThanOrEqual(9);
    expect(permissionStatements(stacks.prod).length).toBeGreaterThanOrEqual(9);
  });

  it.each(ALL_STACK_NAMES)('%s: no wildcard action, no NotAction/NotResource, no wildcard resource where a specific one exists', (name) => {
    for (const { document, statement } of permissionStatements(stacks[name])) {
      const at = `${name} ${document} ${statement.sid}`;
      expect({ at, wildcardActions: (statement.actions ?? []).filter(isWildcardAction) }).toEqual({ at, wildcardActions: [] });
      expect({ at, notActions: statement.not_actions, notResources: statement.not_resources }).toEqual({ at, notActions: undefined, notResources: undefined });
      const scopable = (statement.actions ?? []).filter((action) => !ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(action));
      const wildcardResources = scopable.length > 0 ? (statement.resources ?? []).filter(isWildcardResource) : [];
      expect({ at, wildcardResources }).toEqual({ at, wildcardResources: [] });
      expect(statement.effect).toBe('Allow');
    }
    // A Deny may be broad (the buckets' TLS-only policy denies s3:* over plain HTTP); only grants must be narrow.
    for (const { where, statement } of literalPolicies(stacks[name]).filter(({ statement }) => statement.Effect !== 'Deny')) {
      expect({ where, actions: asList(statement.Action).filter(isWildcardAction) }).toEqual({ where, actions: [] });
      expect({ where, resources: asList(statement.Resource).filter(isWildcardResource) }).toEqual({ where, resources: [] });
    }
  });

  function grants(env: string, fn: string): Map<string, string[]> {
    const documents = Object.entries(stacks[env].data?.aws_iam_policy_document ?? {}).filter(([id]) => id.startsWith(`${fn}_role_permissions`));
    expect(documents).toHaveLength(1);
    const byAction = new Map<string, string[]>();
    for (const statement of documents[0][1].statement as Statement[]) {
      for (const action of statement.actions ?? []) byAction.set(action, [...(byAction.get(action) ?? []), ...(statement.resources ?? [])]);
    }
    return byAction;
  }

  it('dashboard: scans the table and reads its API-key secret; cannot write, publish or pull images', () => {
    const dashboard = grants('preprod', 'dashboard');
    expect(dashboard.get('dynamodb:Scan')).toEqual([expect.stringMatching(/^\$\{aws_dynamodb_table\..+\.arn\}$/)]);
    expect(dashboard.has('dynamodb:GetItem')).toBe(false);
    expect(dashboard.has('dynamodb:PutItem')).toBe(false);
    expect(dashboard.has('sns:Publish')).toBe(false);
    expect(dashboard.has('s3:GetObject')).toBe(false);
    expect(dashboard.get('secretsmanager:GetSecretValue')).toEqual([expect.stringMatching(/dashboard-api-key.*\.arn\}$/)]);
    expect(dashboard.has('ecr:BatchGetImage')).toBe(false);
  });

  it('ingestion: writes the table, publishes to the topic, reads only the NewsAPI secret', () => {
    const ingestion = grants('preprod', 'ingestion');
    expect(ingestion.has('dynamodb:PutItem')).toBe(true);
    expect(ingestion.has('dynamodb:Scan')).toBe(false);
    expect(ingestion.has('dynamodb:BatchWriteItem')).toBe(false);
    expect(ingestion.get('sns:Publish')).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\..+\.arn\}$/)]);
    expect(ingestion.get('secretsmanager:GetSecretValue')).toEqual([expect.stringMatching(/newsapi-key.*\.arn\}$/)]);
  });

  it('analysis: reads the model prefix only and pulls only from its own repository', () => {
    const analysis = grants('prod', 'analysis');
    expect(analysis.get('s3:GetObject')).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\.stores_models.+\.arn\}\/distilbert\/\*$/)]);
    expect(analysis.get('ecr:BatchGetImage')).toEqual(['arn:aws:ecr:us-east-1:123456789012:repository/prod-sentiment-analysis']);
    expect(analysis.has('secretsmanager:GetSecretValue')).toBe(false);
    expect(analysis.has('sns:Publish')).toBe(false);
  });

  it('every role writes only to its own log group', () => {
    for (const fn of ['dashboard', 'ingestion', 'analysis']) {
      expect(grants('preprod', fn).get('logs:PutLogEvents')).toEqual([expect.stringMatching(new RegExp(`^\\$\\{aws_cloudwatch_log_group\\.${fn}_logs_.+\\.arn\\}:log-stream:\\*$`))]);
    }
  });
});
