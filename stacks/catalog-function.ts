/**
 * One catalog declaration, deployed: log group + alarm, least-privilege role, the ZIP or image
 * function, its Function URL, and its trigger with the matching Lambda permission.
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { FunctionSpec, resolveEnvironment } from '../lambdas/function-spec';
import { deadLetterQueueName, resourceNames } from '../lambdas/resources';
import { ExecutionRole } from '../modules/execution-role';
import { FunctionLogGroup } from '../modules/function-log-group';
import { FunctionUrl } from '../modules/function-url';
import { ImageFunction, parseEcrRepositoryUrl } from '../modules/image-function';
import { ZipFunction } from '../modules/zip-function';
import { DataStores } from './data-stores';
import { DeployableArtifact } from './deployable-artifacts';
import { EnvironmentSettings } from './environment-settings';
import { FUNCTION_TAG, deployedFunctionName, executionRoleName, modelKeyPrefix } from './naming';

export interface CatalogFunctionProps {
  readonly spec: FunctionSpec;
  readonly settings: EnvironmentSettings;
  readonly stores: DataStores;
  readonly artifact: DeployableArtifact;
}

export class CatalogFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: ExecutionRole;
  readonly logs: FunctionLogGroup;
  /** @default undefined when the catalog declares no URL */
  readonly url?: FunctionUrl;
  /** The on-failure SQS queue. @default undefined when the catalog declares no onFailure */
  readonly deadLetterQueue?: SqsQueue;

  constructor(scope: Construct, id: string, props: CatalogFunctionProps) {
    super(scope, id);
    const { spec, settings, stores, artifact } = props;
    const env = settings.environment;
    const names = resourceNames(env);
    const functionName = deployedFunctionName(env, spec.name);
    const tags = { [FUNCTION_TAG]: spec.name };
    if (artifact.kind !== spec.packaging) {
      throw new Error(`Function '${spec.name}': catalog packaging '${spec.packaging}' but artifact kind '${artifact.kind}'.`);
    }

    this.logs = new FunctionLogGroup(this, 'logs', {
      functionName,
      retentionDays: settings.logRetentionDays,
      metricNamespace: `SentimentAnalyzer/${env}`,
      tags,
    });

    if (spec.onFailure?.kind === 'sqs-dlq') {
      this.deadLetterQueue = new SqsQueue(this, 'dlq', {
        name: deadLetterQueueName(env, spec.name),
        messageRetentionSeconds: 14 * 24 * 3600, // SQS's longest: time to look at what failed
        sqsManagedSseEnabled: true,
        tags,
      });
    }

    const uses = spec.uses ?? {};
    this.role = new ExecutionRole(this, 'role', {
      roleName: executionRoleName(env, spec.name),
      logGroupArn: this.logs.logGroup.arn,
      table: uses.table ? { arn: stores.table.arn, access: uses.table } : undefined,
      publishTopicArn: uses.topic === 'publish' ? stores.topic.arn : undefined,
      readObjects: uses.modelBucket === 'read' ? { bucketArn: stores.modelBucket.arn, prefix: modelKeyPrefix(env) } : undefined,
      secretArns: (uses.secrets ?? []).map((secretId) => stores.secrets[secretId].arn),
      ecrRepositoryArn: artifact.kind === 'image' ? parseEcrRepositoryUrl(artifact.repositoryUrl).arn : undefined,
      onFailureQueueArn: this.deadLetterQueue?.arn,
      tags,
    });

    const environment = resolveEnvironment(spec, (value) => {
      switch (value.ref) {
        case 'table-name':
          return stores.table.name;
        case 'topic-arn':
          return stores.topic.arn;
        case 'model-s3-uri':
          return `s3://${stores.modelBucket.name}/${names.modelKey}`;
        case 'environment-name':
          return env;
        case 'newsapi-base-url':
          return settings.newsapiBaseUrl;
        case 'secret-arn':
          return stores.secrets[value.secret].arn;
      }
    });

    const common = {
      functionName,
      description: spec.description,
      handler: spec.handler,
      architecture: spec.architecture,
      memoryMb: spec.memoryMb,
      timeoutSeconds: spec.timeoutSeconds,
      ephemeralStorageMb: spec.ephemeralStorageMb,
      roleArn: this.role.arn,
      environment,
      tags,
      dependsOn: [this.logs.logGroup, this.role.policy],
    };
    this.function =
      artifact.kind === 'zip'
        ? new ZipFunction(this, 'zip', {
            ...common,
            runtime: spec.runtime,
            artifact: { zipPath: artifact.zipPath, sha256: artifact.sha256 },
            artifactBucket: stores.artifactBucket.name,
          }).function
        : new ImageFunction(this, 'image', {
            ...common,
            repositoryUrl: artifact.repositoryUrl,
            imageDigest: artifact.digest,
          }).function;

    if (this.deadLetterQueue) {
      // Lambda's asynchronous retries (two, as the harness does locally), then the queue.
      new LambdaFunctionEventInvokeConfig(this, 'async', {
        functionName: this.function.functionName,
        maximumRetryAttempts: 2,
        destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
        // AWS checks at once that the role may send to the queue.
        dependsOn: [this.role.policy],
      });
    }

    if (spec.url) {
      this.url = new FunctionUrl(this, 'url', {
        functionName: this.function.functionName,
        authType: spec.url.authType,
        invokeMode: spec.url.invokeMode,
        cors: spec.url.cors[env],
        allowWildcardOrigin: env === 'preprod',
      });
    }

    if (spec.trigger?.kind === 'schedule') {
      const rule = new CloudwatchEventRule(this, 'schedule', {
        name: `${functionName}-schedule`,
        description: `Runs ${functionName} ${spec.trigger.expression}`,
        scheduleExpression: spec.trigger.expression,
      });
      new CloudwatchEventTarget(this, 'schedule-target', { rule: rule.name, arn: this.function.arn, targetId: 'function' });
      new LambdaPermission(this, 'schedule-invoke', {
        statementId: 'AllowScheduleInvoke',
        action: 'lambda:InvokeFunction',
        functionName: this.function.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      });
    } else if (spec.trigger?.kind === 'sns') {
      new LambdaPermission(this, 'sns-invoke', {
        statementId: 'AllowTopicInvoke',
        action: 'lambda:InvokeFunction',
        functionName: this.function.functionName,
        principal: 'sns.amazonaws.com',
        sourceArn: stores.topic.arn,
      });
      new SnsTopicSubscription(this, 'subscription', {
        topicArn: stores.topic.arn,
        protocol: 'lambda',
        endpoint: this.function.arn,
      });
    }
  }
}
