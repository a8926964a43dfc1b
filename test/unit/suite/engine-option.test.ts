import { UsageError } from '../../../harness/cli/cli-args';
import { parseEngine } from '../../../harness/cli/engine-option';
import { RIE_SHA256, SAM_CLI_VERSION, SAM_CLI_WHEEL_SHA256 } from '../../../harness/rie/rie-binary';
import { codeOfThrown } from '../thrown-code';

describe('--engine', () => {
  test('emulator by default; emulator and rie accepted', () => {
    expect(parseEngine(undefined, 'usage')).toBe('emulator');
    expect(parseEngine('rie', 'usage')).toBe('rie');
    expect(parseEngine('emulator', 'usage')).toBe('emulator');
  });
  test('anything else stops with the choices', () => {
    expect(() => parseEngine('sam', 'usage')).toThrow(UsageError);
    expect(codeOfThrown(() => parseEngine('sam', 'usage'))).toBe('CONFIGURATION');
    expect(() => parseEngine('sam', 'usage')).toThrow("--engine must be emulator or rie, got 'sam'.");
  });
  test('the RIE is pinned: one aws-sam-cli version, sha256 sums of the wheel and both binaries', () => {
    expect(SAM_CLI_VERSION).toBe('1.170.0');
    for (const sum of [SAM_CLI_WHEEL_SHA256, RIE_SHA256.x86_64, RIE_SHA256.arm64]) expect(sum).toMatch(/^[0-9a-f]{64}$/);
  });
});
