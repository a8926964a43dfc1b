import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../../harness/cli/cli-args';
import { parseEventOptions } from '../../../harness/cli/event-option';
import { FUNCTION_OPTIONS, functionOptionsGiven, parseFunctionOptions } from '../../../harness/cli/function-options';

const parse = (argv: string[]) => parseArgs(argv, { ...FUNCTION_OPTIONS, dir: { kind: 'value', description: '' } }, 'usage');

describe('function options (--handler --runtime --memory --timeout --env)', () => {
  it('reads every option', () => {
    const args = parse(['--handler', 'app.main', '--runtime', 'python3.12', '--memory', '256', '--timeout', '2', '--env', 'A=1', '--env', 'B=x=y']);
    expect(parseFunctionOptions(args, 'usage')).toEqual({
      handler: 'app.main', runtime: 'python3.12', memoryMb: 256, timeoutSeconds: 2, environment: { A: '1', B: 'x=y' },
    });
    expect(functionOptionsGiven(args).sort()).toEqual(['env', 'handler', 'memory', 'runtime', 'timeout']);
  });

  it.each([['--timeout', '0'], ['--timeout', '901'], ['--memory', '64'], ['--memory', '1.5'], ['--timeout', 'ten']])(
    'refuses %s %s outside Lambda\'s limits, naming them', (flag, value) => {
      expect(() => parseFunctionOptions(parse([flag, value]), 'usage')).toThrow(/Lambda's limits/);
    });

  it('refuses --env without NAME=', () => {
    expect(() => parseFunctionOptions(parse(['--env', 'NOVALUE']), 'usage')).toThrow(/--env takes NAME=VALUE/);
  });
});

describe('--event', () => {
  it('reads a file or inline JSON', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'event-')), 'event.json');
    fs.writeFileSync(file, '{"source": "manual"}');
    const events = parseEventOptions([file, '{"a": [1]}'], 'usage');
    expect(events.map((e) => e.event)).toEqual([{ source: 'manual' }, { a: [1] }]);
    expect(events[0].name).toContain(file);
  });

  it('refuses what is neither a file nor JSON, and broken JSON, saying which', () => {
    expect(() => parseEventOptions(['missing.json'], 'usage')).toThrow(/neither an existing file nor inline JSON/);
    expect(() => parseEventOptions(['{"a":'], 'usage')).toThrow(/--event #1 is not valid JSON/);
  });
});
