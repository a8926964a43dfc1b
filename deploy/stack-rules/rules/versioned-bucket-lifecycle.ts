/**
 * A versioned bucket keeps every overwritten or deleted object as a noncurrent version, forever,
 * unless a lifecycle rule expires them: the artifact bucket grows by every archive ever deployed.
 */
import { fail, pass } from '../../../harness/inspect/verdict';
import { StackRule, nested } from '../types';

export const versionedBucketLifecycleRule: StackRule = {
  id: 'versioned-bucket-lifecycle',
  description: 'Versioned buckets expire noncurrent versions',
  protectsAgainst: 'versioned buckets that grow (and bill) without end',
  check(stack) {
    const versioned = stack
      .resources('aws_s3_bucket_versioning')
      .filter((versioning) => nested(versioning.block.versioning_configuration).some((config) => config.status === 'Enabled'))
      .map((versioning) => stack.resourceOf('aws_s3_bucket', versioning.block.bucket))
      .filter((bucket): bucket is NonNullable<typeof bucket> => !!bucket);
    const lifecycles = stack.resources('aws_s3_bucket_lifecycle_configuration');
    const growing = versioned.filter(
      (bucket) =>
        !lifecycles.some(
          (lifecycle) =>
            stack.resourceOf('aws_s3_bucket', lifecycle.block.bucket)?.address === bucket.address &&
            nested(lifecycle.block.rule).some(
              (rule) => rule.status === 'Enabled' && nested(rule.noncurrent_version_expiration).some((expiry) => Number(expiry.noncurrent_days) > 0),
            ),
        ),
    );
    if (growing.length === 0) return pass(this.id, versioned.length === 0 ? 'no versioned bucket' : `${versioned.length} versioned bucket(s) expire old versions`);
    return fail(
      this.id,
      `${growing.length} versioned bucket(s) keep noncurrent versions forever`,
      growing.map((bucket) => ({ file: bucket.address, detail: `bucket '${String(bucket.block.bucket)}' is versioned with no enabled noncurrent_version_expiration rule` })),
      'Add an aws_s3_bucket_lifecycle_configuration rule with noncurrent_version_expiration { noncurrent_days = N } (stacks/private-bucket.ts does).',
    );
  },
};
