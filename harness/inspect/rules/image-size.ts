/** Lambda runs container images of at most 10 GB (uncompressed, all layers). */
import { InspectionRule } from '../types';
import { fail, pass } from '../verdict';
import { formatBytes } from '../../../model/byte-size';

export const IMAGE_LIMIT_BYTES = 10 * 1024 * 1024 * 1024;

export const imageSizeRule: InspectionRule = {
  id: 'image-size',
  description: 'Image size within the 10 GB quota',
  appliesTo: ['image'],
  check(view) {
    const bytes = view.image?.sizeBytes ?? 0;
    if (bytes <= IMAGE_LIMIT_BYTES) {
      return pass(this.id, `image size ${formatBytes(bytes)} is within the ${formatBytes(IMAGE_LIMIT_BYTES)} quota`);
    }
    return fail(
      this.id,
      `image size ${formatBytes(bytes)} is over Lambda's ${formatBytes(IMAGE_LIMIT_BYTES)} limit for container images`,
      [{ file: view.source, detail: `${bytes} bytes uncompressed` }],
      'Use a multi-stage build that copies only the installed packages into the final stage, install CPU-only ' +
        'wheels (no CUDA), and load large models from S3 at init instead of baking them in.',
    );
  },
};
