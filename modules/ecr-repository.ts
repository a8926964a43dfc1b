/**
 * A hardened ECR repository: immutable tags (a digest can never be re-pointed), scan on push,
 * encryption at rest, and a lifecycle that keeps the most recent images only.
 */
import { Construct } from 'constructs';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';

export interface HardenedEcrRepositoryProps {
  /** `preprod-sentiment-analysis` */
  readonly repositoryName: string;
  /** Images kept by the lifecycle policy; older ones expire. @default 10 */
  readonly keepLastImages?: number;
  /** Let `terraform destroy` delete a repository that still holds images (pre-production). @default false */
  readonly forceDelete?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

const REPOSITORY_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

export class HardenedEcrRepository extends Construct {
  readonly repository: EcrRepository;
  readonly lifecyclePolicy: EcrLifecyclePolicy;

  constructor(scope: Construct, id: string, props: HardenedEcrRepositoryProps) {
    super(scope, id);
    if (!REPOSITORY_NAME.test(props.repositoryName) || props.repositoryName.length > 256) {
      throw new Error(
        `ECR repository name '${props.repositoryName}' is invalid: lower-case letters, digits and single '.', '_', '-' or '/' separators.`,
      );
    }
    const keep = props.keepLastImages ?? 10;
    if (!Number.isInteger(keep) || keep < 1) {
      throw new Error(`ECR repository '${props.repositoryName}': keepLastImages must be a positive integer, got ${keep}.`);
    }

    this.repository = new EcrRepository(this, 'repository', {
      name: props.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: props.forceDelete ?? false,
      tags: { ...props.tags },
    });

    this.lifecyclePolicy = new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${keep} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
            action: { type: 'expire' },
          },
        ],
      }),
    });
  }
}
