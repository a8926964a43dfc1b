/** An S3 bucket that is versioned, encrypted at rest and closed to the public. */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';

export interface PrivateBucketProps {
  readonly bucketName: string;
  /** Let `terraform destroy` delete a bucket that still holds objects. @default false */
  readonly forceDestroy?: boolean;
}

export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
      throw new Error(`S3 bucket name '${props.bucketName}' is invalid: 3-63 lower-case letters, digits, '.' and '-'.`);
    }
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    new S3BucketVersioningA(this, 'versioning', {
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
  }

  get arn(): string {
    return this.bucket.arn;
  }

  get name(): string {
    return this.bucket.bucket;
  }
}
