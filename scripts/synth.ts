/**
 * `npm run synth [-- <stack>...] [options]`: synthesizes the stacks (all by default) to Terraform
 * JSON. Application stacks read the artifact manifest; registry stacks do not need it.
 */
import { ALL_STACK_NAMES } from '../main';
import { enforceStackRules } from '../deploy/stack-rules/default-pack';
import { STACK_COMMAND_USAGE, parseStackCommandArgs, runMain, synthesize } from './stack-command';

const USAGE = `Usage: npm run synth -- [<stack>...] [options]\nStacks: ${ALL_STACK_NAMES.join(', ')}\n${STACK_COMMAND_USAGE}`;

runMain(async () => {
  const args = parseStackCommandArgs(process.argv.slice(2), USAGE);
  const stacks = args.stacks.length > 0 ? args.stacks : ALL_STACK_NAMES;
  synthesize(args, stacks);
  console.log(`Synthesized ${stacks.join(', ')} into ${args.outdir}/stacks/`);
  if (!enforceStackRules(args.outdir, stacks)) {
    console.error('Stack rules FAILED: fix the stacks before planning or deploying them (deploy/stack-rules/).');
    process.exit(2);
  }
});
