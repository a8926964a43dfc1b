import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { HardenedEcrRepository } from '../../../modules/ecr-repository';
import { FunctionLogGroup } from '../../../modules/function-log-group';

Testing.setupJest();

describe('HardenedEcrRepository', () => {
  it('is immutable, scans on push, encrypts, and keeps the last 10 images', () => {
    const synthesized = Testing.synthScope((scope) => new HardenedEcrRepository(scope, 'repo', { repositoryName: 'prod-sentiment-analysis' }));
    expect(synthesized).toHaveResourceWithProperties(EcrRepository, {
      name: 'prod-sentiment-analysis',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'AES256' }],
      force_delete: false,
    });
    const [lifecycle] = Object.values(JSON.parse(synthesized).resource.aws_ecr_lifecycle_policy) as { policy: string }[];
    expect(synthesized).toHaveResource(EcrLifecyclePolicy);
    expect(JSON.parse(lifecycle.policy).rules).toEqual([
      expect.objectContaining({
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 },
        action: { type: 'expire' },
      }),
    ]);
  });

  it.each([
    [{ repositoryName: 'Prod_Analysis' }, /ECR repository name 'Prod_Analysis' is invalid/],
    [{ repositoryName: 'ok', keepLastImages: 0 }, /keepLastImages must be a positive integer, got 0/],
  ])('rejects %j', (props, message) => {
    expect(() => Testing.synthScope((scope) => new HardenedEcrRepository(scope, 'repo', props))).toThrow(message);
  });
});

describe('FunctionLogGroup', () => {
  it('creates the log group with retention, and alarms on Runtime.ImportModuleError', () => {
    const synthesized = Testing.synthScope(
      (scope) =>
        new FunctionLogGroup(scope, 'logs', {
          functionName: 'preprod-sentiment-dashboard',
          retentionDays: 14,
          metricNamespace: 'SentimentAnalyzer/preprod',
          alarmActions: ['arn:aws:sns:us-east-1:123456789012:alerts'],
        }),
    );
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/preprod-sentiment-dashboard',
      retention_in_days: 14,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogMetricFilter, {
      pattern: '"Runtime.ImportModuleError"',
      metric_transformation: expect.objectContaining({
        name: 'preprod-sentiment-dashboard-ImportModuleError',
        namespace: 'SentimentAnalyzer/preprod',
        value: '1',
      }),
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'preprod-sentiment-dashboard-ImportModuleError',
      namespace: 'SentimentAnalyzer/preprod',
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      treat_missing_data: 'notBreaching',
      alarm_actions: ['arn:aws:sns:us-east-1:123456789012:alerts'],
    });
  });

  it('rejects a retention CloudWatch does not accept', () => {
    expect(() => Testing.synthScope((scope) => new FunctionLogGroup(scope, 'logs', { functionName: 'f', retentionDays: 10 }))).toThrow(
      /retentionDays 10 is not a value CloudWatch accepts/,
    );
  });
});
