/**
 * One execution role per function, granting only what that function uses: writing to its own log
 * group, and the table, topic, model prefix, secrets and ECR repository it declares.
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
  /** @default no table access */
  readonly table?: { readonly arn: string; readonly access: 'read' | 'read-write' };
  /** @default no topic access */
  readonly publishTopicArn?: string;
  /** Read access to objects under one prefix of one bucket. @default none */
  readonly readObjects?: { readonly bucketArn: string; readonly prefix: string };
  /** @default [] */
  readonly secretArns?: readonly string[];
  /** The SQS queue failed asynchronous events are sent to (on-failure destination). @default none */
  readonly onFailureQueueArn?: string;
  /** Image pull from this repository only. @default none */
  readonly ecrRepositoryArn?: string;
  /** Further statements; they pass the same least-privilege checks. @default [] */
  readonly extraStatements?: readonly PolicyStatementSpec[];
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/** The statements the props grant, as plain data (also what the unit tests inspect). */
export function executionRoleStatements(props: ExecutionRoleProps): PolicyStatementSpec[] {
  const statements: PolicyStatementSpec[] = [
    {
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${props.logGroupArn}:log-stream:*`],
    },
  ];
  if (props.table) {
    statements.push({
      sid: props.table.access === 'read' ? 'ReadTable' : 'ReadWriteTable',
      actions: props.table.access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
      resources: [props.table.arn, `${props.table.arn}/index/*`],
    });
  }
  if (props.publishTopicArn) {
    statements.push({ sid: 'PublishTopic', actions: ['sns:Publish'], resources: [props.publishTopicArn] });
  }
  if (props.readObjects) {
    const prefix = props.readObjects.prefix.replace(/^\/+|\/+$/g, '');
    if (!prefix) {
      throw new Error(`Execution role '${props.roleName}': readObjects.prefix is empty; grant a prefix such as 'distilbert/', not the whole bucket.`);
    }
    statements.push({ sid: 'ReadModelPrefix', actions: ['s3:GetObject'], resources: [`${props.readObjects.bucketArn}/${prefix}/*`] });
  }
  if (props.secretArns && props.secretArns.length > 0) {
    statements.push({ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...props.secretArns] });
  }
  if (props.onFailureQueueArn) {
    // Lambda sends the on-failure record with the function's execution role.
    statements.push({ sid: 'SendFailedEvents', actions: ['sqs:SendMessage'], resources: [props.onFailureQueueArn] });
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
