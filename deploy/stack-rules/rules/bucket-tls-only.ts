/**
 * Every bucket refuses plain-HTTP requests: a bucket policy denying all actions when
 * `aws:SecureTransport` is false, on the bucket and its objects.
 */
import { subjectRule } from '../subject-rule';
import { Addressed, StackView, asList, nested } from '../types';

function deniesInsecureTransport(stack: StackView, bucket: Addressed): boolean {
  const arnRef = `\${${bucket.address}.arn}`;
  return stack.resources('aws_s3_bucket_policy').some((policy) => {
    if (stack.resourceOf('aws_s3_bucket', policy.block.bucket)?.address !== bucket.address) return false;
    let parsed: { Statement?: unknown };
    try {
      parsed = JSON.parse(String(policy.block.policy)) as { Statement?: unknown };
    } catch {
      return false;
    }
    return nested(parsed.Statement).some((statement) => {
      const condition = nested(statement.Condition)[0];
      const insecure = nested(condition?.Bool)[0]?.['aws:SecureTransport'];
      const resources = asList(statement.Resource);
      return (
        statement.Effect === 'Deny' &&
        asList(statement.Action).some((action) => action === 's3:*') &&
        (insecure === 'false' || insecure === false) &&
        resources.includes(arnRef) &&
        resources.includes(`${arnRef}/*`)
      );
    });
  });
}

/** A rehearsal against a local plain-HTTP AWS (moto enforces bucket policies) cannot be TLS-only. */
function plainHttpRehearsal(stack: StackView): { reason: string; fix: string } | undefined {
  const s3Endpoints = nested(stack.json.provider?.aws).flatMap((provider) => nested(provider.endpoints)).map((endpoints) => String(endpoints.s3 ?? ''));
  if (s3Endpoints.length === 0 || !s3Endpoints.every((endpoint) => endpoint.startsWith('http://'))) return undefined;
  return { reason: 'expected in a rehearsal against a local plain-HTTP endpoint only', fix: 'Nothing to do for the rehearsal; real stacks must be TLS-only.' };
}

export const bucketTlsOnlyRule = subjectRule({
  id: 'bucket-tls-only',
  description: 'Every S3 bucket denies requests that do not use TLS',
  protectsAgainst: 'model archives and deployment packages readable or writable over plain HTTP',
  subjects: (stack) => stack.resources('aws_s3_bucket'),
  problem: (bucket, stack) =>
    deniesInsecureTransport(stack, bucket) ? undefined : `bucket '${String(bucket.block.bucket)}' has no Deny on aws:SecureTransport = false for the bucket and its objects`,
  passed: (count) => (count === 0 ? 'no S3 bucket' : `${count} bucket(s) TLS-only`),
  failed: (open) => `${open} bucket(s) accept plain HTTP`,
  fix: "Attach an aws_s3_bucket_policy with Deny s3:* on [bucket ARN, bucket ARN/*] when aws:SecureTransport is 'false' (stacks/private-bucket.ts does).",
  expectedIn: plainHttpRehearsal,
});
