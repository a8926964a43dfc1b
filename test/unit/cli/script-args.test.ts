/** The scripts (synth/plan/deploy/check-stacks, publish-images, checkov-report) parse options with harness/cli/cli-args.ts. */
import * as path from 'node:path';
import { UsageError } from '../../../harness/cli/cli-args';
import { parseReportArgs } from '../../../scripts/checkov-report';
import { parsePublishArgs } from '../../../scripts/publish-images';
import { parseStackCommandArgs } from '../../../scripts/stack-command';

const USAGE = 'Usage: test';

describe('stack command options', () => {
  test('stacks, values (both spellings) and switches', () => {
    const args = parseStackCommandArgs(['preprod', '--outdir=out', '--manifest', 'm.json', '--offline', '--skip-synth'], USAGE);
    expect(args).toMatchObject({
      stacks: ['preprod'],
      outdir: path.resolve('out'),
      manifestPath: path.resolve('m.json'),
      target: { kind: 'offline' },
      skipSynth: true,
    });
  });

  test('--plan implies --skip-synth; --endpoint points the provider at the local server', () => {
    expect(parseStackCommandArgs(['preprod', '--plan', 'tfplan', '--endpoint', 'http://127.0.0.1:5000'], USAGE)).toMatchObject({
      planFile: path.resolve('tfplan'),
      skipSynth: true,
      target: { kind: 'local', endpoint: 'http://127.0.0.1:5000' },
    });
  });

  test.each([
    [['--bogus'], /Unknown option --bogus\.[^]*Usage: test/],
    [['--outdir'], /Option --outdir needs a value/],
    [['--offline', '--endpoint', 'http://127.0.0.1:5000'], /--offline and --endpoint exclude each other/],
  ])('%j is refused with the usage', (argv, message) => {
    expect(() => parseStackCommandArgs(argv, USAGE)).toThrow(UsageError);
    expect(() => parseStackCommandArgs(argv, USAGE)).toThrow(message);
  });

  test('an unknown stack name lists the stacks', () => {
    expect(() => parseStackCommandArgs(['staging'], USAGE)).toThrow(/Unknown stack 'staging'/);
  });

  test("a command's own switch", () => {
    const args = parseStackCommandArgs(['--placeholder-manifest'], USAGE, { 'placeholder-manifest': { kind: 'switch', description: 'x' } });
    expect(args.switches['placeholder-manifest']).toBe(true);
  });
});

describe('publish-images options', () => {
  test('one environment and its options; the local endpoint from the environment when not given', () => {
    expect(parsePublishArgs(['preprod', '--registry', '127.0.0.1:5350'], {})).toMatchObject({ environment: 'preprod', registry: '127.0.0.1:5350', endpoint: undefined });
    expect(parsePublishArgs(['prod'], { SENTIMENT_AWS_TARGET: 'local', SENTIMENT_AWS_ENDPOINT: 'http://127.0.0.1:5000' }).endpoint).toBe('http://127.0.0.1:5000');
  });

  test.each([
    [[], /Name one environment \(preprod or prod\), got none/],
    [['staging'], /got 'staging'/],
    [['preprod', '--registry', 'https://x'], /--registry must be a registry host/],
    [['preprod', '--force'], /Unknown option --force/],
  ])('%j is refused', (argv, message) => {
    expect(() => parsePublishArgs(argv, {})).toThrow(message);
  });
});

describe('checkov-report options', () => {
  test('defaults, values, and an unexpected argument', () => {
    expect(parseReportArgs([]).checkov).toBe('checkov');
    expect(parseReportArgs(['--checkov', '/x/checkov', '--outdir', 'o'])).toEqual({ checkov: '/x/checkov', outdir: path.resolve('o') });
    expect(() => parseReportArgs(['stray'])).toThrow(/Unexpected argument 'stray'/);
  });
});
