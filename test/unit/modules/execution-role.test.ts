import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { ExecutionRole, ExecutionRoleProps, executionRoleStatements } from '../../../modules/execution-role';
import { assertLeastPrivilege, isWildcardResource } from '../../../modules/policy-statements';

Testing.setupJest();

const base: ExecutionRoleProps = {
  roleName: 'preprod-sentiment-analysis-role',
  logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/preprod-sentiment-analysis',
};

describe('ExecutionRole', () => {
  it('grants only its own log group when the function uses nothing else', () => {
    expect(executionRoleStatements(base)).toEqual([
      {
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${base.logGroupArn}:log-stream:*`],
      },
    ]);
  });

  it('grants exactly the declared actions, one statement per resource, on that resource only', () => {
    const statements = executionRoleStatements({
      ...base,
      table: { arn: 'arn:aws:dynamodb:us-east-1:123456789012:table/t', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
      topic: { arn: 'arn:aws:sns:us-east-1:123456789012:topic', actions: ['sns:Publish'] },
      objects: { bucketArn: 'arn:aws:s3:::models', prefix: 'distilbert/', actions: ['s3:GetObject'] },
      secretArns: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:k'],
      ecrRepositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/preprod-sentiment-analysis',
    });
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.TableGetItemUpdateItem).toEqual({
      sid: 'TableGetItemUpdateItem', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/t'],
    });
    expect(bySid.TopicPublish).toEqual({ sid: 'TopicPublish', actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:123456789012:topic'] });
    expect(bySid.ModelPrefixGetObject).toEqual({ sid: 'ModelPrefixGetObject', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::models/distilbert/*'] });
    expect(bySid.ReadSecrets.actions).toEqual(['secretsmanager:GetSecretValue']);
    expect(bySid.PullOwnImage).toEqual({
      sid: 'PullOwnImage',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: ['arn:aws:ecr:us-east-1:123456789012:repository/preprod-sentiment-analysis'],
    });
  });

  it('synthesizes a Lambda-assumable role and a policy document with exact actions', () => {
    const synthesized = Testing.synthScope(
      (scope) => new ExecutionRole(scope, 'role', { ...base, topic: { arn: 'arn:aws:sns:us-east-1:123456789012:topic', actions: ['sns:Publish'] } }),
    );
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: 'preprod-sentiment-analysis-role' });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          sid: 'LambdaAssumesRole',
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
        },
      ],
    });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        expect.objectContaining({ sid: 'WriteOwnLogs', effect: 'Allow' }),
        { sid: 'TopicPublish', effect: 'Allow', actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:123456789012:topic'] },
      ],
    });
  });

  it.each([
    [{ sid: 'All', actions: ['dynamodb:*'], resources: ['arn:aws:dynamodb:us-east-1:1:table/t'] }, /wildcard actions 'dynamodb:\*' are not allowed/],
    [{ sid: 'Star', actions: ['*'], resources: ['arn:aws:s3:::b/*'] }, /wildcard actions '\*' are not allowed/],
    [{ sid: 'Get', actions: ['s3:Get*'], resources: ['arn:aws:s3:::b/*'] }, /wildcard actions 's3:Get\*'/],
    [{ sid: 'Any', actions: ['sns:Publish'], resources: ['*'] }, /resource '\*' grants every resource, but sns:Publish can be scoped/],
    [{ sid: 'AnyBucket', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::*'] }, /grants every resource/],
    [{ sid: 'bad-sid', actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:1:t'] }, /sid must be alphanumeric/],
    [{ sid: 'NoPrefix', actions: ['Publish'], resources: ['arn:aws:sns:us-east-1:1:t'] }, /actions must look like 'service:Action'/],
  ])('refuses the statement %j', (statement, message) => {
    expect(() => Testing.synthScope((scope) => new ExecutionRole(scope, 'role', { ...base, extraStatements: [statement] }))).toThrow(message);
  });

  it('refuses a model grant without a prefix, and a resource grant without actions', () => {
    expect(() => executionRoleStatements({ ...base, objects: { bucketArn: 'arn:aws:s3:::m', prefix: '/', actions: ['s3:GetObject'] } })).toThrow(/prefix is empty/);
    expect(() => executionRoleStatements({ ...base, table: { arn: 'arn:aws:dynamodb:us-east-1:1:table/t', actions: [] } })).toThrow(/table access with no actions/);
  });

  it('accepts a wildcard resource only for actions that have no resource scope', () => {
    expect(() => assertLeastPrivilege([{ sid: 'Token', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }], 'test')).not.toThrow();
    expect(isWildcardResource('arn:aws:sns:*:*:*')).toBe(true);
    expect(isWildcardResource('arn:aws:s3:::bucket/prefix/*')).toBe(false);
    expect(isWildcardResource('${aws_dynamodb_table.items.arn}/index/*')).toBe(false);
  });
});
