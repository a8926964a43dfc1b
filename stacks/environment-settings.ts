/**
 * What differs between preprod and prod, besides names: how much is protected from deletion,
 * how long logs and deleted secrets are kept, and which account/region hosts the images.
 */
import { DeployEnvironment } from '../model/resources';
import { alertProtocol } from '../modules/alert-topic';
import { AwsTarget } from './aws-target';
import { LOCAL_ACCOUNT_ID } from '../model/local-aws-account';

export interface EnvironmentSettings {
  readonly environment: DeployEnvironment;
  readonly region: string;
  /** Account that owns the ECR repositories; part of image URIs and of the ECR pull ARN. @default undefined: only registry stacks can be built */
  readonly accountId?: string;
  /** Protect data from `terraform destroy` (table deletion protection, no force-destroy). */
  readonly protectData: boolean;
  /** 0 deletes a secret at once (pre-production), else 7-30 days of recovery. */
  readonly secretRecoveryDays: number;
  readonly logRetentionDays: number;
  readonly newsapiBaseUrl: string;
  /** Who the alert topic notifies: an e-mail address or an https URL. @default none (alarms reach the topic only; the stack rules warn) */
  readonly alertEndpoint?: string;
}

export interface EnvironmentSettingsOptions {
  /** @default process.env.AWS_REGION ?? 'us-east-1' */
  readonly region?: string;
  /** @default process.env.SENTIMENT_AWS_ACCOUNT_ID; the local account for offline/local targets */
  readonly accountId?: string;
  /** @default SENTIMENT_ALERT_ENDPOINT_<ENV> (e.g. SENTIMENT_ALERT_ENDPOINT_PROD), else SENTIMENT_ALERT_ENDPOINT */
  readonly alertEndpoint?: string;
}

/** The environment variables that configure an environment's alert subscriber, most specific first. */
export function alertEndpointVariables(environment: DeployEnvironment): [string, string] {
  return [`SENTIMENT_ALERT_ENDPOINT_${environment.toUpperCase()}`, 'SENTIMENT_ALERT_ENDPOINT'];
}

export function environmentSettings(
  environment: DeployEnvironment,
  target: AwsTarget,
  options: EnvironmentSettingsOptions = {},
): EnvironmentSettings {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const accountId = options.accountId ?? (target.kind === 'aws' ? process.env.SENTIMENT_AWS_ACCOUNT_ID : LOCAL_ACCOUNT_ID);
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
    throw new Error(`The AWS account id must be 12 digits, got '${accountId}'. Check SENTIMENT_AWS_ACCOUNT_ID.`);
  }
  const [specific, shared] = alertEndpointVariables(environment);
  const alertEndpoint = options.alertEndpoint ?? (process.env[specific] || process.env[shared] || undefined);
  if (alertEndpoint !== undefined) alertProtocol(alertEndpoint);
  const prod = environment === 'prod';
  return {
    environment,
    region,
    accountId,
    protectData: prod,
    secretRecoveryDays: prod ? 30 : 0,
    logRetentionDays: prod ? 90 : 14,
    newsapiBaseUrl: 'https://newsapi.org/v2',
    alertEndpoint,
  };
}

export function ecrRegistry(settings: EnvironmentSettings): string {
  if (!settings.accountId) {
    throw new Error(
      `The ${settings.environment} application stack pins images to '<account>.dkr.ecr.${settings.region}.amazonaws.com/...' and needs the 12-digit AWS account id that owns the ECR repositories. Set SENTIMENT_AWS_ACCOUNT_ID (or use --offline / --endpoint for a rehearsal).`,
    );
  }
  const suffix = settings.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${settings.accountId}.dkr.ecr.${settings.region}.${suffix}`;
}
