/**
 * The environment's shared data stores, named by `resourceNames(env)`: the items table, the
 * topic, the model bucket, the secrets (declared without values) and the bucket of deployment
 * archives.
 */
import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { ResourceNames, SecretId } from '../model/resources';
import { PrivateBucket } from './private-bucket';

export interface DataStoresProps {
  readonly names: ResourceNames;
  /** The model bucket's name (account-scoped). */
  readonly modelBucketName: string;
  readonly artifactBucketName: string;
  /** Both buckets refuse to plan against another account than the one their names carry. @default no check */
  readonly accountCheck?: { readonly callerAccountId: string; readonly expectedAccountId: string };
  /** TLS-only bucket policies. @default true */
  readonly tlsOnly?: boolean;
  /** Keep data on `terraform destroy` (prod). */
  readonly protectData: boolean;
  /** Days a deleted secret can be recovered; 0 deletes at once. */
  readonly secretRecoveryDays: number;
}

export class DataStores extends Construct {
  readonly table: DynamodbTable;
  readonly topic: SnsTopic;
  readonly modelBucket: PrivateBucket;
  readonly artifactBucket: PrivateBucket;
  readonly secrets: Readonly<Record<SecretId, SecretsmanagerSecret>>;

  constructor(scope: Construct, id: string, props: DataStoresProps) {
    super(scope, id);
    const { names } = props;
    if (props.secretRecoveryDays !== 0 && (props.secretRecoveryDays < 7 || props.secretRecoveryDays > 30)) {
      throw new Error(`secretRecoveryDays must be 0 or 7-30 (Secrets Manager's range), got ${props.secretRecoveryDays}.`);
    }

    this.table = new DynamodbTable(this, 'items', {
      name: names.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: names.tableKey,
      attribute: [{ name: names.tableKey, type: 'S' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.protectData,
    });

    this.topic = new SnsTopic(this, 'topic', {
      name: names.topicName,
      kmsMasterKeyId: 'alias/aws/sns',
    });

    this.modelBucket = new PrivateBucket(this, 'models', {
      bucketName: props.modelBucketName,
      forceDestroy: !props.protectData,
      accountCheck: props.accountCheck,
      tlsOnly: props.tlsOnly,
    });
    this.artifactBucket = new PrivateBucket(this, 'artifacts', {
      bucketName: props.artifactBucketName,
      forceDestroy: !props.protectData,
      accountCheck: props.accountCheck,
      tlsOnly: props.tlsOnly,
    });

    // Declared without a version: values are set out of band (console/CLI), so they never
    // appear in Terraform state, plans or the functions' environment.
    const secrets = {} as Record<SecretId, SecretsmanagerSecret>;
    for (const [secretId, secretName] of Object.entries(names.secretNames) as [SecretId, string][]) {
      secrets[secretId] = new SecretsmanagerSecret(this, `secret-${secretId}`, {
        name: secretName,
        description: `${secretId} for ${names.environment}; value set out of band, never by Terraform`,
        recoveryWindowInDays: props.secretRecoveryDays,
      });
    }
    this.secrets = secrets;
  }
}
