/**
 * The shared data stores the functions use, named once per environment.
 * The stacks create them under these names; the local AWS server (moto) is seeded with them.
 */

export type DeployEnvironment = 'preprod' | 'prod';
/** `local` is the emulated environment run by `npm run emulate` and the tests. */
export type EnvironmentName = DeployEnvironment | 'local';
export const DEPLOY_ENVIRONMENTS: readonly DeployEnvironment[] = ['preprod', 'prod'];

export type SecretId = 'dashboard-api-key' | 'newsapi-key';

export interface ResourceNames {
  readonly environment: EnvironmentName;
  readonly tableName: string;
  /** Partition key of the items table (string). */
  readonly tableKey: 'source_id';
  readonly topicName: string;
  readonly modelBucket: string;
  readonly modelKey: string;
  /** `s3://bucket/key` of the model archive, as the analysis function reads it. */
  readonly modelS3Uri: string;
  readonly secretNames: Readonly<Record<SecretId, string>>;
}

/** The seeds' key layout for the model archive. */
export const MODEL_KEY = 'distilbert/v1.0.0/model.tar.gz';

export function resourceNames(environment: EnvironmentName): ResourceNames {
  const prefix = `${environment}-sentiment`;
  const modelBucket = `${prefix}-models`;
  return {
    environment,
    tableName: `${prefix}-items`,
    tableKey: 'source_id',
    topicName: `${prefix}-topic`,
    modelBucket,
    modelKey: MODEL_KEY,
    modelS3Uri: `s3://${modelBucket}/${MODEL_KEY}`,
    secretNames: {
      'dashboard-api-key': `${prefix}/dashboard-api-key`,
      'newsapi-key': `${prefix}/newsapi-key`,
    },
  };
}

/** The SQS queue that holds a function's failed asynchronous events (catalog `onFailure: sqs-dlq`). */
export function deadLetterQueueName(environment: EnvironmentName, functionName: string): string {
  return `${environment}-sentiment-${functionName}-dlq`;
}
