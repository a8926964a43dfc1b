import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adHocFunction } from '../../../harness/pipeline/ad-hoc-function';
import { codeOfThrown } from '../thrown-code';

describe('adHocFunction', () => {
  it('a --dir that is not a directory, or --image without a Dockerfile, is CONFIGURATION', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-hoc-'));
    try {
      expect(codeOfThrown(() => adHocFunction({ dir: path.join(dir, 'missing') }))).toBe('CONFIGURATION');
      expect(codeOfThrown(() => adHocFunction({ dir, image: true }))).toBe('CONFIGURATION');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
