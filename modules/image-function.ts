/**
 * A Lambda function deployed from a container image pinned by digest. Terraform never builds or
 * pushes: the image was verified locally and pushed by digest before this stack deploys.
 */
import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { FunctionSettings, commonFunctionArguments, validateFunctionSettings } from './function-settings';

export interface ImageFunctionProps extends FunctionSettings {
  /** `123456789012.dkr.ecr.eu-west-1.amazonaws.com/preprod-sentiment-analysis`, or a reference resolved at plan. */
  readonly repositoryUrl: string;
  /** Registry manifest digest of the pushed, verified image: `sha256:<64 hex>`, or a reference resolved at plan (an ECR image data source). */
  readonly imageDigest: string;
  /** @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const ECR_REPOSITORY_URL = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._/-]*)$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface EcrRepositoryLocation {
  readonly accountId: string;
  readonly region: string;
  readonly partition: 'aws' | 'aws-cn';
  readonly repositoryName: string;
  readonly arn: string;
}

/** Parses an ECR repository URL; the ARN lets an execution role name this repository only. */
export function parseEcrRepositoryUrl(repositoryUrl: string): EcrRepositoryLocation {
  const match = ECR_REPOSITORY_URL.exec(repositoryUrl);
  if (!match) {
    throw new Error(
      `'${repositoryUrl}' is not an ECR repository URL; expected '<account>.dkr.ecr.<region>.amazonaws.com/<name>' (no tag, no digest).`,
    );
  }
  const [, accountId, region, cn, repositoryName] = match;
  const partition = cn ? 'aws-cn' : 'aws';
  return {
    accountId,
    region,
    partition,
    repositoryName,
    arn: `arn:${partition}:ecr:${region}:${accountId}:repository/${repositoryName}`,
  };
}

export class ImageFunction extends Construct {
  readonly function: LambdaFunction;
  readonly imageUri: string;

  constructor(scope: Construct, id: string, props: ImageFunctionProps) {
    super(scope, id);
    validateFunctionSettings(props);
    const where = `image function '${props.functionName}'`;
    if (!Token.isUnresolved(props.repositoryUrl)) parseEcrRepositoryUrl(props.repositoryUrl);
    if (!Token.isUnresolved(props.imageDigest) && !DIGEST.test(props.imageDigest)) {
      throw new Error(
        `${where}: imageDigest must be a registry digest 'sha256:<64 hex>' (tags are mutable, digests are not), got '${props.imageDigest}'.`,
      );
    }
    this.imageUri = `${props.repositoryUrl}@${props.imageDigest}`;

    this.function = new LambdaFunction(this, 'function', {
      ...commonFunctionArguments(props),
      packageType: 'Image',
      imageUri: this.imageUri,
      // The catalog's handler, stated explicitly so the deployed CMD cannot drift from the image.
      imageConfig: { command: [props.handler] },
      dependsOn: [...(props.dependsOn ?? [])],
    });
  }
}
