/** Lambda refuses a function whose code plus layers unpack to more than 250 MB. */
import { InspectionRule } from '../types';
import { fail, pass } from '../verdict';
import { MIB, formatBytes } from '../../../model/byte-size';

export const UNZIPPED_LIMIT_BYTES = 250 * MIB;

export const unzippedSizeRule: InspectionRule = {
  id: 'unzipped-size',
  description: 'Unzipped size including layers within the 250 MB quota',
  appliesTo: ['zip'],
  check(view, target) {
    const layers = target.layersUnzippedBytes ?? 0;
    const total = view.unzippedBytes + layers;
    const breakdown = `${formatBytes(view.unzippedBytes)} code${layers > 0 ? ` + ${formatBytes(layers)} layers` : ''}`;
    if (total <= UNZIPPED_LIMIT_BYTES) {
      return pass(this.id, `unzipped size ${breakdown} is within the ${formatBytes(UNZIPPED_LIMIT_BYTES)} quota`);
    }
    const largest = [...view.files].sort((a, b) => b.size - a.size).slice(0, 5);
    return fail(
      this.id,
      `unzipped size ${breakdown} = ${formatBytes(total)} is over Lambda's ${formatBytes(UNZIPPED_LIMIT_BYTES)} quota: the deploy would be refused`,
      largest.map((file) => ({ file: file.path, detail: `${formatBytes(file.size)} (among the largest files)` })),
      'Package the function as a container image (up to 10 GB; ADR-005 does this for the ML function), ' +
        'or remove what the runtime does not need (tests, docs, boto3, unused extras).',
    );
  },
};
