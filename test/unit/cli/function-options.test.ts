import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../../harness/cli/cli-args';
import { FUNCTION_OPTIONS, functionFromOptions } from '../../../harness/cli/function-options';
import { codeOfThrown } from '../thrown-code';

const parse = (argv: string[]) => functionFromOptions(parseArgs(argv, FUNCTION_OPTIONS, 'usage'), 'usage');

describe('function options shared by verify --dir and emulate --dir', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-options-'));
  fs.writeFileSync(path.join(dir, 'app.py'), 'def handler(e, c):\n    return e\n');

  test('read the directory, handler, memory, timeout and environment', () => {
    const spec = parse(['--dir', dir, '--handler', 'app.handler', '--memory', '256', '--timeout', '5', '--env', 'A=1', '--env', 'B=x=y'])!;
    expect(spec).toMatchObject({ handler: 'app.handler', memoryMb: 256, timeoutSeconds: 5, environment: { A: '1', B: 'x=y' }, packaging: 'zip' });
  });

  test('without --dir there is no function, and dir-only options are refused', () => {
    expect(parse([])).toBeUndefined();
    expect(() => parse(['--memory', '256'])).toThrow('--memory only applies with --dir.');
    expect(() => parse(['--env', 'A=1'])).toThrow('--env only applies with --dir.');
  });

  test('bad values are usage errors that name the problem', () => {
    expect(() => parse(['--dir', dir, '--env', 'NOEQUALS'])).toThrow("--env takes NAME=VALUE, got 'NOEQUALS'.");
    expect(() => parse(['--dir', dir, '--timeout', 'soon'])).toThrow(/--timeout must be a whole number of seconds from 1 to 900 \(Lambda's limits\), got 'soon'/);
    expect(() => parse(['--dir', dir, '--memory', '64'])).toThrow(UsageError);
    expect(codeOfThrown(() => parse(['--dir', dir, '--memory', '64']))).toBe('CONFIGURATION');
  });

  test.each([['--timeout', '0'], ['--timeout', '901'], ['--memory', '64'], ['--memory', '1.5'], ['--memory', '10241']])(
    "refuses %s %s outside Lambda's limits, naming them", (flag, value) => {
      expect(() => parse(['--dir', dir, flag, value])).toThrow(/Lambda's limits/);
    });
});
