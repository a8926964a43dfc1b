/**
 * `npm run check-stacks [-- <stack>...] [options]`: synthesizes the stacks (all by default) and runs
 * our stack rules on them; exit 2 when one fails. `--placeholder-manifest` synthesizes from tiny
 * stand-in artifacts (offline, local account), so the stacks' shape can be checked on any machine,
 * before anything was built; `--skip-synth` checks what is already in --outdir.
 */
import { ALL_STACK_NAMES } from '../main';
import { enforceStackRules } from '../harness/stack-rules/default-pack';
import { createManifestFixture } from '../test/unit/stacks/manifest-fixture';
import { STACK_COMMAND_USAGE, parseStackCommandArgs, runMain, synthesize } from './stack-command';

const USAGE = [
  'Usage: npm run check-stacks -- [<stack>...] [--placeholder-manifest] [options]',
  `Stacks: ${ALL_STACK_NAMES.join(', ')}`,
  '  --placeholder-manifest  synthesize offline from stand-in artifacts (checks the stacks, not your build)',
  STACK_COMMAND_USAGE,
].join('\n');

runMain(async () => {
  const argv = process.argv.slice(2);
  const placeholder = argv.includes('--placeholder-manifest');
  const args = parseStackCommandArgs(
    argv.filter((arg) => arg !== '--placeholder-manifest'),
    USAGE,
  );
  const stacks = args.stacks.length > 0 ? args.stacks : ALL_STACK_NAMES;
  if (!args.skipSynth) {
    if (placeholder) {
      const fixture = await createManifestFixture();
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
    console.error('Stack rules FAILED (harness/stack-rules/).');
    process.exit(2);
  }
  console.log(`Stack rules passed on ${stacks.join(', ')}.`);
});
