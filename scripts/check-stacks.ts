/**
 * `npm run check-stacks [-- <stack>...] [options]`: synthesizes the stacks (all by default) and runs
 * our stack rules on them; exit 2 when one fails. `--placeholder-manifest` synthesizes from tiny
 * stand-in artifacts (offline, local account), so the stacks' shape can be checked on any machine,
 * before anything was built; `--skip-synth` checks what is already in --outdir.
 */
import { ALL_STACK_NAMES } from '../main';
import { enforceStackRules } from '../deploy/stack-rules/default-pack';
import { OptionSpec, formatOptions } from '../harness/cli/cli-args';
import { createPlaceholderManifest } from '../deploy/placeholder-manifest';
import { STACK_COMMAND_USAGE, parseStackCommandArgs, runMain, synthesize } from './stack-command';

const PLACEHOLDER_OPTION: Record<string, OptionSpec> = {
  'placeholder-manifest': { kind: 'switch', description: 'synthesize offline from stand-in artifacts (checks the stacks, not your build)' },
};

const USAGE = [
  'Usage: npm run check-stacks -- [<stack>...] [--placeholder-manifest] [options]',
  `Stacks: ${ALL_STACK_NAMES.join(', ')}`,
  formatOptions(PLACEHOLDER_OPTION),
  STACK_COMMAND_USAGE,
].join('\n');

runMain(async () => {
  const args = parseStackCommandArgs(process.argv.slice(2), USAGE, PLACEHOLDER_OPTION);
  const placeholder = args.switches['placeholder-manifest'];
  const stacks = args.stacks.length > 0 ? args.stacks : ALL_STACK_NAMES;
  if (!args.skipSynth) {
    if (placeholder) {
      const fixture = await createPlaceholderManifest();
      try {
        synthesize({ ...args, manifestPath: fixture.manifestPath, target: { kind: 'offline' } }, stacks);
      } finally {
        fixture.remove();
      }
    } else {
      synthesize(args, stacks);
    }
  }
  if (!enforceStackRules(args.outdir, stacks)) {
    console.error('Stack rules FAILED (deploy/stack-rules/).');
    process.exit(2);
  }
  console.log(`Stack rules passed on ${stacks.join(', ')}.`);
});
