import { UsageError } from '../../../harness/cli/cli-args';
import { parseEngines } from '../../../harness/cli/engine-option';

describe('--engine emulator|rie|all (conformance, bench)', () => {
  test('both engines by default and for all; our emulator first', () => {
    expect(parseEngines([], 'usage')).toEqual(['emulator', 'rie']);
    expect(parseEngines(['all'], 'usage')).toEqual(['emulator', 'rie']);
    expect(parseEngines(['rie', 'emulator'], 'usage')).toEqual(['emulator', 'rie']);
  });
  test('repeatable or a comma list; one engine alone', () => {
    expect(parseEngines(['rie'], 'usage')).toEqual(['rie']);
    expect(parseEngines(['emulator,rie'], 'usage')).toEqual(['emulator', 'rie']);
    expect(parseEngines(['emulator'], 'usage')).toEqual(['emulator']);
  });
  test('an unknown name stops with the choices', () => {
    expect(() => parseEngines(['sam'], 'usage')).toThrow(UsageError);
    expect(() => parseEngines(['emulator,sam'], 'usage')).toThrow("--engine must be emulator, rie or all, got 'sam'.");
  });
});
