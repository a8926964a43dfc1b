/**
 * Names of everything the stacks create that `resourceNames(env)` does not already name.
 * One place, so the deploy gate and the publishing script find the same names.
 */
import { Token } from 'cdktf';
import { DeployEnvironment, resourceNames } from '../model/resources';

export const PROJECT_TAG = 'sentiment-analyzer';
/** Tag that ties a Terraform resource to its catalog function; the deploy gate reads it back. */
export const FUNCTION_TAG = 'SentimentFunction';
/** Tag carrying the fingerprint of the configuration a synthesized function deploys (the deploy gate reads it back). */
export const CONFIGURATION_TAG = 'SentimentConfiguration';

const prefix = (environment: DeployEnvironment) => `${environment}-sentiment`;

export function deployedFunctionName(environment: DeployEnvironment, functionName: string): string {
  return `${prefix(environment)}-${functionName}`;
}

export function executionRoleName(environment: DeployEnvironment, functionName: string): string {
  return `${prefix(environment)}-${functionName}-role`;
}

export function ecrRepositoryName(environment: DeployEnvironment, functionName: string): string {
  return `${prefix(environment)}-${functionName}`;
}

export function artifactBucketName(environment: DeployEnvironment): string {
  return `${prefix(environment)}-artifacts`;
}

/**
 * S3 names are global across all AWS accounts: the account id in the name keeps a second adopter
 * of this repository (or a second account of ours) from colliding with the first.
 */
export function accountScopedBucketName(bucketName: string, accountId: string): string {
  // A Terraform reference (the caller's account, read at plan) is checked by AWS; a literal here.
  if (!Token.isUnresolved(accountId) && !/^\d{12}$/.test(accountId)) throw new Error(`Bucket '${bucketName}': the account id must be 12 digits, got '${accountId}'.`);
  return `${bucketName}-${accountId}`;
}

/** The environment's alert topic: every alarm notifies it. */
export function alertTopicName(environment: DeployEnvironment): string {
  return `${prefix(environment)}-alerts`;
}

/** Where a function's failed asynchronous events land (the same name the local AWS server holds). */
export { deadLetterQueueName } from '../model/resources';

/** The stack with every AWS resource of an environment except the image repositories. */
export function appStackName(environment: DeployEnvironment): string {
  return environment;
}

/** The stack with the environment's ECR repositories; deployed before images are pushed. */
export function registryStackName(environment: DeployEnvironment): string {
  return `${environment}-registry`;
}

/** The prefix of the model archive's key: the analysis role may read under it and nowhere else. */
export function modelKeyPrefix(environment: DeployEnvironment): string {
  return resourceNames(environment).modelKey.split('/')[0];
}
