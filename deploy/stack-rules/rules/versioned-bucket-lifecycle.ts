/**
 * A versioned bucket keeps every overwritten or deleted object as a noncurrent version, forever,
 * unless a lifecycle rule expires them: the artifact bucket grows by every archive ever deployed.
 */
import { subjectRule } from '../subject-rule';
import { Addressed, StackView, nested } from '../types';

function versionedBuckets(stack: StackView): Addressed[] {
  return stack
    .resources('aws_s3_bucket_versioning')
    .filter((versioning) => nested(versioning.block.versioning_configuration).some((config) => config.status === 'Enabled'))
    .map((versioning) => stack.resourceOf('aws_s3_bucket', versioning.block.bucket))
    .filter((bucket): bucket is Addressed => !!bucket);
}

function expiresNoncurrentVersions(stack: StackView, bucket: Addressed): boolean {
  return stack
    .resources('aws_s3_bucket_lifecycle_configuration')
    .some(
      (lifecycle) =>
        stack.resourceOf('aws_s3_bucket', lifecycle.block.bucket)?.address === bucket.address &&
        nested(lifecycle.block.rule).some(
          (rule) => rule.status === 'Enabled' && nested(rule.noncurrent_version_expiration).some((expiry) => Number(expiry.noncurrent_days) > 0),
        ),
    );
}

export const versionedBucketLifecycleRule = subjectRule({
  id: 'versioned-bucket-lifecycle',
  description: 'Versioned buckets expire noncurrent versions',
  protectsAgainst: 'versioned buckets that grow (and bill) without end',
  subjects: versionedBuckets,
  problem: (bucket, stack) =>
    expiresNoncurrentVersions(stack, bucket) ? undefined : `bucket '${String(bucket.block.bucket)}' is versioned with no enabled noncurrent_version_expiration rule`,
  passed: (count) => (count === 0 ? 'no versioned bucket' : `${count} versioned bucket(s) expire old versions`),
  failed: (growing) => `${growing} versioned bucket(s) keep noncurrent versions forever`,
  fix: 'Add an aws_s3_bucket_lifecycle_configuration rule with noncurrent_version_expiration { noncurrent_days = N } (stacks/private-bucket.ts does).',
});
