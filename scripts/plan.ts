/**
 * `npm run plan -- <stack> [options]`: synthesizes the stack, then runs the real Terraform
 * `init` (offline mirror when there is one), `validate` and `plan`.
 */
import { ALL_STACK_NAMES } from '../main';
import { enforceStackRules } from '../harness/stack-rules/default-pack';
import { STACK_COMMAND_USAGE, parseStackCommandArgs, runMain, synthesize } from './stack-command';
import { stackDirectory, terraform, terraformInit, terraformSetup } from './terraform-cli';

const USAGE = `Usage: npm run plan -- <stack> [options]\nStacks: ${ALL_STACK_NAMES.join(', ')}\n${STACK_COMMAND_USAGE}`;

runMain(async () => {
  const args = parseStackCommandArgs(process.argv.slice(2), USAGE);
  if (args.stacks.length !== 1) throw new Error(`Plan one stack at a time.\n${USAGE}`);
  const [stack] = args.stacks;
  if (!args.skipSynth) synthesize(args, [stack]);
  const cwd = stackDirectory(args.outdir, stack);
  if (!enforceStackRules(args.outdir, [stack])) {
    console.error(`Stack rules REFUSED '${stack}': nothing was planned or applied. Fix the stack (see above), then run again.`);
    process.exit(2);
  }
  const setup = terraformSetup();
  const run = { cwd, setup, stream: true };
  console.log(`terraform init (${setup.mirror ? `provider mirror ${setup.mirror}` : 'providers from the registry'})`);
  await terraformInit({ ...run, stream: false });
  await terraform(['validate', '-no-color'], run);
  await terraform(['plan', '-input=false', '-no-color', '-lock=false', '-out=tfplan'], run);
  console.log(`Plan saved to ${cwd}/tfplan`);
});
