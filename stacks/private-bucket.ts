/**
 * An S3 bucket that is versioned, encrypted at rest, closed to the public, reachable over TLS only,
 * and expires old versions (a versioned bucket otherwise keeps every overwritten object forever).
 */
import { Construct } from 'constructs';
import { Op, Token } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';

export interface PrivateBucketProps {
  readonly bucketName: string;
  /** Let `terraform destroy` delete a bucket that still holds objects. @default false */
  readonly forceDestroy?: boolean;
  /** Deny every request that does not use TLS. @default true (false only for a plain-HTTP local rehearsal) */
  readonly tlsOnly?: boolean;
  /** Days an overwritten or deleted object version is kept before it expires. @default 90 */
  readonly noncurrentVersionDays?: number;
  /**
   * Refuse to plan unless the credentials' account is the one the name was made for: the caller
   * identity's account id (a Terraform reference) and the configured one. @default no check
   */
  readonly accountCheck?: { readonly callerAccountId: string; readonly expectedAccountId: string };
}

export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** @default undefined when tlsOnly is false */
  readonly tlsOnlyPolicy?: S3BucketPolicy;
  readonly lifecycle: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    // A name that carries a Terraform reference (the account id read at plan) is checked by S3.
    if (!Token.isUnresolved(props.bucketName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
      throw new Error(`S3 bucket name '${props.bucketName}' is invalid: 3-63 lower-case letters, digits, '.' and '-'.`);
    }
    const keepDays = props.noncurrentVersionDays ?? 90;
    if (!Number.isInteger(keepDays) || keepDays < 1) {
      throw new Error(`S3 bucket '${props.bucketName}': noncurrentVersionDays must be a positive integer, got ${keepDays}.`);
    }
    const check = props.accountCheck;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: check
        ? {
            precondition: [
              {
                condition: Op.eq(check.callerAccountId, check.expectedAccountId),
                errorMessage: `The AWS credentials belong to another account than ${check.expectedAccountId}, the one bucket '${props.bucketName}' is named for (SENTIMENT_AWS_ACCOUNT_ID). Use the credentials of account ${check.expectedAccountId}, or set SENTIMENT_AWS_ACCOUNT_ID to the account you mean to deploy into.`,
              },
            ],
          }
        : undefined,
    });
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // Plain HTTP requests are refused, whoever makes them (AWS's "enforce encryption in transit").
    if (props.tlsOnly !== false) this.tlsOnlyPolicy = new S3BucketPolicy(this, 'tls-only', {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
      dependsOn: [this.publicAccessBlock],
    });
    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: keepDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      dependsOn: [versioning],
    });
  }

  get arn(): string {
    return this.bucket.arn;
  }

  get name(): string {
    return this.bucket.bucket;
  }
}
