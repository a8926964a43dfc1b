/**
 * Creates the shared data stores in the local AWS server under the names the stacks declare
 * (`resourceNames`): items table, SNS topic, model bucket, the two secrets. Idempotent: running
 * it again keeps the table's items and updates the secrets' values.
 */
import { EnvironmentName, ResourceNames, SecretId, deadLetterQueueName, resourceNames } from '../../model/resources';
import { runLocalAws } from './local-aws-cli';

export interface SeedLocalAwsOptions {
  /** The local AWS endpoint (`MotoServer.endpoint`). */
  readonly endpoint: string;
  /** Value stored in the dashboard API key secret; clients send it as `X-API-Key`. */
  readonly dashboardApiKey: string;
  /** Value stored in the NewsAPI key secret; the fake NewsAPI must expect the same. */
  readonly newsApiKey: string;
  /** @default 'local' */
  readonly environment?: EnvironmentName;
  /** Functions whose catalog entry declares `onFailure: sqs-dlq`: their queues are created. @default [] */
  readonly deadLetterQueuesFor?: readonly string[];
}

export interface SeededLocalAws {
  readonly endpoint: string;
  readonly names: ResourceNames;
  readonly tableName: string;
  readonly tableArn: string;
  readonly topicArn: string;
  readonly modelBucket: string;
  readonly secretArns: Readonly<Record<SecretId, string>>;
  /** Queue URL of each function's on-failure destination, by function name. */
  readonly deadLetterQueueUrls: Readonly<Record<string, string>>;
}

export async function seedLocalAws(options: SeedLocalAwsOptions): Promise<SeededLocalAws> {
  for (const field of ['dashboardApiKey', 'newsApiKey'] as const) {
    if (typeof options[field] !== 'string' || options[field].length === 0) {
      throw new Error(`seedLocalAws: '${field}' must be a non-empty string (the secret's value), got ${JSON.stringify(options[field])}.`);
    }
  }
  const environment = options.environment ?? 'local';
  const names = resourceNames(environment);
  const result = await runLocalAws<Omit<SeededLocalAws, 'endpoint' | 'names'>>(options.endpoint, 'seed', {
    tableName: names.tableName,
    tableKey: names.tableKey,
    topicName: names.topicName,
    modelBucket: names.modelBucket,
    secrets: {
      'dashboard-api-key': { name: names.secretNames['dashboard-api-key'], value: options.dashboardApiKey },
      'newsapi-key': { name: names.secretNames['newsapi-key'], value: options.newsApiKey },
    },
    deadLetterQueues: Object.fromEntries((options.deadLetterQueuesFor ?? []).map((fn) => [fn, deadLetterQueueName(environment, fn)])),
  });
  return { endpoint: options.endpoint, names, ...result };
}

/** All items of a table as plain JSON (numbers for DynamoDB numbers), for tests and reports. */
export async function scanItems(endpoint: string, tableName: string): Promise<Record<string, unknown>[]> {
  const { items } = await runLocalAws<{ items: Record<string, unknown>[] }>(endpoint, 'scan-items', { tableName });
  return items;
}

/** Writes items as given (numbers become DynamoDB numbers), for tests that need a known table. */
export async function putItems(endpoint: string, tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
  await runLocalAws(endpoint, 'put-items', { tableName, items });
}

/** Publishes one message to a topic (tests; ingestion publishes through its own boto3). */
export async function publishToTopic(endpoint: string, topicArn: string, message: string): Promise<string> {
  const { messageId } = await runLocalAws<{ messageId: string }>(endpoint, 'publish', { topicArn, message });
  return messageId;
}

/** Sends one message (string attributes optional) to a queue: the local dead-letter queue. */
export async function sendQueueMessage(endpoint: string, queueUrl: string, body: string, attributes: Readonly<Record<string, string>> = {}): Promise<string> {
  const { messageId } = await runLocalAws<{ messageId: string }>(endpoint, 'send-message', { queueUrl, body, attributes });
  return messageId;
}

/** Every message in a queue, left in it (tests, reports). */
export async function queueMessages(endpoint: string, queueUrl: string): Promise<QueueMessage[]> {
  const { messages } = await runLocalAws<{ messages: QueueMessage[] }>(endpoint, 'receive-messages', { queueUrl });
  return messages;
}

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** String message attributes by name. */
  readonly attributes: Readonly<Record<string, string>>;
}
