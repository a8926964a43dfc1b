/**
 * Where the AWS provider points: real AWS, nowhere (offline plan), or a local AWS API server
 * (moto) for the apply rehearsal. Everything else in the stacks is identical across targets.
 */
import { Construct } from 'constructs';
import { AwsProvider, AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';
import { LOCAL_AWS_CREDENTIALS } from '../model/local-aws-account';

export type AwsTarget =
  /** Real AWS; credentials come from the usual AWS environment variables/profiles. */
  | { readonly kind: 'aws' }
  /** No AWS at all: plan computes creates without calling any API. */
  | { readonly kind: 'offline' }
  /** A local AWS API server such as moto: `http://127.0.0.1:5000`. */
  | { readonly kind: 'local'; readonly endpoint: string };


/** Every service the stacks call; each must be pointed at the local server in rehearsal mode. */
export const SERVICES_USED = [
  'cloudwatch',
  'dynamodb',
  'ecr',
  'events',
  'iam',
  'lambda',
  'logs',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'sts',
] as const;

export interface AwsProviderSetup {
  readonly region: string;
  readonly target: AwsTarget;
  /** Tags every resource carries. @default {} */
  readonly defaultTags?: Readonly<Record<string, string>>;
}

export function targetFromEnvironment(env: NodeJS.ProcessEnv = process.env): AwsTarget {
  const kind = env.SENTIMENT_AWS_TARGET ?? 'aws';
  if (kind === 'aws' || kind === 'offline') return { kind };
  if (kind === 'local') {
    const endpoint = env.SENTIMENT_AWS_ENDPOINT;
    if (!endpoint) {
      throw new Error('SENTIMENT_AWS_TARGET=local needs SENTIMENT_AWS_ENDPOINT (the local AWS server, e.g. http://127.0.0.1:5000).');
    }
    return { kind, endpoint };
  }
  throw new Error(`SENTIMENT_AWS_TARGET must be 'aws', 'offline' or 'local', got '${kind}'.`);
}

export function configureAwsProvider(scope: Construct, setup: AwsProviderSetup): AwsProvider {
  const defaultTags = setup.defaultTags && Object.keys(setup.defaultTags).length > 0 ? [{ tags: { ...setup.defaultTags } }] : undefined;
  const target = setup.target;
  if (target.kind === 'aws') {
    return new AwsProvider(scope, 'aws', { region: setup.region, defaultTags });
  }
  if (target.kind === 'local' && !/^https?:\/\/[^/]+$/.test(target.endpoint)) {
    throw new Error(`Local AWS endpoint must look like 'http://127.0.0.1:5000' (no path), got '${target.endpoint}'.`);
  }
  const endpoints: AwsProviderEndpoints | undefined =
    target.kind === 'local' ? Object.fromEntries(SERVICES_USED.map((service) => [service, target.endpoint])) : undefined;
  return new AwsProvider(scope, 'aws', {
    region: setup.region,
    defaultTags,
    // Not credentials: placeholders the local server and offline plans accept.
    accessKey: LOCAL_AWS_CREDENTIALS.accessKeyId,
    secretKey: LOCAL_AWS_CREDENTIALS.secretAccessKey,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
    s3UsePathStyle: true,
    endpoints: endpoints ? [endpoints] : undefined,
  });
}
