/**
 * One execution role per function, granting only what that function calls: writing to its own log
 * group, and on the table, topic, model prefix, secrets and ECR repository it declares, exactly the
 * declared actions, one statement per resource.
 */
import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PolicyStatementSpec, assertLeastPrivilege } from './policy-statements';

export interface ExecutionRoleProps {
  /** `preprod-sentiment-dashboard-role` (at most 64 characters). */
  readonly roleName: string;
  /** ARN of the function's own log group (without `:*`). */
  readonly logGroupArn: string;
  /** These actions on the table itself (no index: none of ours queries one). @default no table access */
  readonly table?: { readonly arn: string; readonly actions: readonly string[] };
  /** These actions on the topic. @default no topic access */
  readonly topic?: { readonly arn: string; readonly actions: readonly string[] };
  /** These actions on the objects under one prefix of one bucket. @default none */
  readonly objects?: { readonly bucketArn: string; readonly prefix: string; readonly actions: readonly string[] };
  /** @default [] */
  readonly secretArns?: readonly string[];
  /** Image pull from this repository only. @default none */
  readonly ecrRepositoryArn?: string;
  /** Further statements; they pass the same least-privilege checks. @default [] */
  readonly extraStatements?: readonly PolicyStatementSpec[];
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** `Table` + `['dynamodb:GetItem', 'dynamodb:UpdateItem']` -> `TableGetItemUpdateItem`: the sid says what it grants. */
export function statementSid(resource: string, actions: readonly string[]): string {
  return resource + actions.map((action) => action.slice(action.indexOf(':') + 1)).join('');
}

function declaredActions(where: string, resource: string, actions: readonly string[]): string[] {
  const unique = [...new Set(actions)];
  if (unique.length === 0) {
    throw new Error(`${where}: ${resource} access with no actions; list the calls the function makes (e.g. ['dynamodb:GetItem']) or drop the entry.`);
  }
  return unique;
}

/** The statements the props grant, as plain data (also what the unit tests inspect). */
export function executionRoleStatements(props: ExecutionRoleProps): PolicyStatementSpec[] {
  const statements: PolicyStatementSpec[] = [
    {
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${props.logGroupArn}:log-stream:*`],
    },
  ];
  const where = `Execution role '${props.roleName}'`;
  if (props.table) {
    const actions = declaredActions(where, 'table', props.table.actions);
    statements.push({ sid: statementSid('Table', actions), actions, resources: [props.table.arn] });
  }
  if (props.topic) {
    const actions = declaredActions(where, 'topic', props.topic.actions);
    statements.push({ sid: statementSid('Topic', actions), actions, resources: [props.topic.arn] });
  }
  if (props.objects) {
    const prefix = props.objects.prefix.replace(/^\/+|\/+$/g, '');
    if (!prefix) {
      throw new Error(`${where}: objects.prefix is empty; grant a prefix such as 'distilbert/', not the whole bucket.`);
    }
    const actions = declaredActions(where, 'objects', props.objects.actions);
    statements.push({ sid: statementSid('ModelPrefix', actions), actions, resources: [`${props.objects.bucketArn}/${prefix}/*`] });
  }
  if (props.secretArns && props.secretArns.length > 0) {
    statements.push({ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...props.secretArns] });
  }
  if (props.ecrRepositoryArn) {
    statements.push({
      sid: 'PullOwnImage',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [props.ecrRepositoryArn],
    });
  }
  statements.push(...(props.extraStatements ?? []));
  return statements;
}

export class ExecutionRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly statements: readonly PolicyStatementSpec[];

  constructor(scope: Construct, id: string, props: ExecutionRoleProps) {
    super(scope, id);
    if (!/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
      throw new Error(`Execution role name '${props.roleName}' is invalid: 1-64 characters of letters, digits and +=,.@_-.`);
    }
    this.statements = executionRoleStatements(props);
    assertLeastPrivilege(this.statements, `Execution role '${props.roleName}'`);

    const assumeRole = new DataAwsIamPolicyDocument(this, 'assume-role', {
      statement: [
        {
          sid: 'LambdaAssumesRole',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
        },
      ],
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: this.statements.map((statement) => ({
        sid: statement.sid,
        effect: 'Allow',
        actions: [...statement.actions],
        resources: [...statement.resources],
      })),
    });

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: assumeRole.json,
      tags: { ...props.tags },
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: permissions.json,
    });
  }

  get arn(): string {
    return this.role.arn;
  }
}
