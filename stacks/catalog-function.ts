/**
 * One catalog declaration, deployed: log group + alarm, least-privilege role, the ZIP or image
 * function, its Function URL, and its trigger with the matching Lambda permission.
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { DataAwsEcrImage } from '@cdktf/provider-aws/lib/data-aws-ecr-image';
import { DataAwsEcrRepository } from '@cdktf/provider-aws/lib/data-aws-ecr-repository';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { FunctionSpec, resolveEnvironment, hasDeadLetterQueue } from '../model/function-spec';
import { resourceNames } from '../model/resources';
import { DeadLetterQueue } from '../modules/dead-letter-queue';
import { ManifestEntry } from '../model/manifest';
import { configurationFingerprint, functionConfiguration } from '../model/verified-configuration';
import {
  FunctionGateInput,
  Precondition,
  imageDigestPrecondition,
  publishedImagePrecondition,
  verifiedConfigurationPrecondition,
  verifiedZipPrecondition,
} from './terraform-gate';
import { ExecutionRole } from '../modules/execution-role';
import { FunctionAlarms } from '../modules/function-alarms';
import { FunctionLogGroup } from '../modules/function-log-group';
import { FunctionUrl } from '../modules/function-url';
import { ImageFunction, parseEcrRepositoryUrl } from '../modules/image-function';
import { ZipFunction } from '../modules/zip-function';
import { DataStores } from './data-stores';
import { DeployableArtifact } from './deployable-artifacts';
import { EnvironmentSettings } from './environment-settings';
import { CONFIGURATION_TAG, FUNCTION_TAG, deadLetterQueueName, deployedFunctionName, ecrRepositoryName, executionRoleName, modelKeyPrefix } from './naming';

/**
 * Where an image function's repository is: looked up from the registry at plan (real AWS, local
 * AWS server), or a fixed URL (offline plans, which call no API).
 */
export type ImageRegistry = { readonly kind: 'lookup' } | { readonly kind: 'fixed'; readonly registry: string };

export interface CatalogFunctionProps {
  readonly spec: FunctionSpec;
  readonly settings: EnvironmentSettings;
  readonly stores: DataStores;
  readonly artifact: DeployableArtifact;
  /** SNS topic ARNs every alarm of the function notifies (the environment's alert topic). */
  readonly alarmActions: readonly string[];
  /** The manifest's entry at synth (messages); the preconditions read the manifest again at plan. @default never verified */
  readonly verified?: ManifestEntry;
  /** Absolute path of the manifest the deploy gate reads at plan. */
  readonly manifestPath: string;
  readonly imageRegistry: ImageRegistry;
}

export class CatalogFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: ExecutionRole;
  readonly logs: FunctionLogGroup;
  /** @default undefined when the catalog declares no URL */
  readonly url?: FunctionUrl;
  readonly alarms: FunctionAlarms;
  /** Failed asynchronous events. @default undefined when nothing invokes the function asynchronously */
  readonly deadLetters?: DeadLetterQueue;

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
    // The deploy gate: Terraform refuses at plan unless this exact configuration and artifact were verified.
    const deployed = functionConfiguration(spec);
    const gate: FunctionGateInput = { functionName: spec.name, deployedName: functionName, deployed, entry: props.verified, manifestPath: props.manifestPath };
    const verifiedConfiguration = verifiedConfigurationPrecondition(gate);
    const image = artifact.kind === 'image' ? this.imageSource(props, gate, verifiedConfiguration) : undefined;

    this.logs = new FunctionLogGroup(this, 'logs', {
      functionName,
      retentionDays: settings.logRetentionDays,
      metricNamespace: `SentimentAnalyzer/${env}`,
      alarmActions: props.alarmActions,
      tags,
    });

    // Schedules and SNS invoke asynchronously: after Lambda's retries an event would be dropped.
    if (hasDeadLetterQueue(spec)) {
      this.deadLetters = new DeadLetterQueue(this, 'dead-letters', {
        queueName: deadLetterQueueName(env, spec.name),
        alarmActions: props.alarmActions,
        tags,
      });
    }

    const uses = spec.uses ?? {};
    this.role = new ExecutionRole(this, 'role', {
      roleName: executionRoleName(env, spec.name),
      logGroupArn: this.logs.logGroup.arn,
      // Exactly the actions the catalog declares per resource (least privilege per call).
      table: uses.table?.length ? { arn: stores.table.arn, actions: uses.table } : undefined,
      topic: uses.topic?.length ? { arn: stores.topic.arn, actions: uses.topic } : undefined,
      objects: uses.modelBucket?.length ? { bucketArn: stores.modelBucket.arn, prefix: modelKeyPrefix(env), actions: uses.modelBucket } : undefined,
      secretArns: (uses.secrets ?? []).map((secretId) => stores.secrets[secretId].arn),
      ecrRepositoryArn: image?.repositoryArn,
      extraStatements: this.deadLetters
        ? [{ sid: 'SendFailedEventsToDeadLetterQueue', actions: ['sqs:SendMessage'], resources: [this.deadLetters.arn] }]
        : [],
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
      roleArn: this.role.arn,
      ephemeralStorageMb: spec.ephemeralStorageMb,
      environment,
      reservedConcurrency: spec.reservedConcurrency,
      deadLetterTargetArn: this.deadLetters?.arn,
      // The configuration tag lets `npm run deploy` read back which configuration the synthesized function deploys.
      tags: { ...tags, [CONFIGURATION_TAG]: configurationFingerprint(deployed) },
      dependsOn: [this.logs.logGroup, this.role.policy],
    };
    this.function =
      artifact.kind === 'zip'
        ? new ZipFunction(this, 'zip', {
            ...common,
            preconditions: [verifiedConfiguration, verifiedZipPrecondition(gate, { path: artifact.zipPath, sha256: artifact.sha256 })],
            runtime: spec.runtime,
            artifact: { zipPath: artifact.zipPath, sha256: artifact.sha256 },
            artifactBucket: stores.artifactBucket.name,
          }).function
        : new ImageFunction(this, 'image', {
            ...common,
            preconditions: image!.preconditions,
            repositoryUrl: image!.repositoryUrl,
            imageDigest: image!.digest,
          }).function;

    this.alarms = new FunctionAlarms(this, 'alarms', { functionName, alarmActions: props.alarmActions, tags });

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

  /**
   * The image's repository and digest. Looked up: the repository and the verified image's
   * immutable tag are read from the registry at plan (synth never needs a pushed digest), and once
   * a digest was published the function pins it and the tag must still resolve to it.
   */
  private imageSource(props: CatalogFunctionProps, gate: FunctionGateInput, verifiedConfiguration: Precondition) {
    const artifact = props.artifact;
    if (artifact.kind !== 'image') throw new Error(`Function '${props.spec.name}' is not an image function.`);
    const env = props.settings.environment;
    const repositoryName = ecrRepositoryName(env, props.spec.name);
    const published = publishedImagePrecondition(gate, env);
    const preconditions: Precondition[] = [verifiedConfiguration];
    if (props.imageRegistry.kind === 'fixed') {
      const repositoryUrl = `${props.imageRegistry.registry}/${repositoryName}`;
      if (!artifact.digest) preconditions.push(published);
      return {
        repositoryUrl,
        repositoryArn: parseEcrRepositoryUrl(repositoryUrl).arn,
        digest: artifact.digest ?? `sha256:${'0'.repeat(64)}`,
        preconditions,
      };
    }
    const repository = new DataAwsEcrRepository(this, 'image-repository', {
      name: repositoryName,
      lifecycle: { precondition: [{ ...verifiedConfiguration }] },
    });
    const image = new DataAwsEcrImage(this, 'verified-image', {
      repositoryName: repository.name,
      imageTag: artifact.tag,
      lifecycle: { precondition: [{ ...published }] },
    });
    if (artifact.digest) {
      preconditions.push(imageDigestPrecondition(gate, `data.aws_ecr_image.${image.friendlyUniqueId}.image_digest`, artifact.digest, artifact.tag));
    }
    return { repositoryUrl: repository.repositoryUrl, repositoryArn: repository.arn, digest: artifact.digest ?? image.imageDigest, preconditions };
  }
}
