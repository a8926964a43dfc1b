/** Lambda accepts a ZIP of at most 50 MB by direct upload; larger ones must go through S3. */
import { InspectionRule } from '../types';
import { pass, warn } from '../verdict';
import { MIB, formatBytes } from '../../../model/byte-size';

export const DIRECT_UPLOAD_LIMIT_BYTES = 50 * MIB;

export const zipSizeRule: InspectionRule = {
  id: 'zip-size',
  description: 'Zipped size within the 50 MB direct-upload quota',
  appliesTo: ['zip'],
  check(view) {
    const bytes = view.zippedBytes ?? 0;
    if (bytes <= DIRECT_UPLOAD_LIMIT_BYTES) {
      return pass(this.id, `zipped size ${formatBytes(bytes)} is within the ${formatBytes(DIRECT_UPLOAD_LIMIT_BYTES)} direct-upload quota`);
    }
    return warn(
      this.id,
      `zipped size ${formatBytes(bytes)} is over the ${formatBytes(DIRECT_UPLOAD_LIMIT_BYTES)} Lambda accepts by direct upload`,
      [{ file: view.source, detail: `${bytes} bytes zipped` }],
      'Upload the ZIP to S3 and deploy it with s3_bucket/s3_key (aws_lambda_function) instead of filename, ' +
        'or shrink it: drop packages the runtime already has (boto3, botocore) and test-only dependencies.',
    );
  },
};
