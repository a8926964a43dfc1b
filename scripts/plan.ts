/**
 * `npm run plan -- <stack> [options]`: synthesizes the stack, then runs the real Terraform
 * `init` (offline mirror when there is one), `validate` and `plan`.
 */
import { ALL_STACK_NAMES } from '../main';
import { STACK_COMMAND_USAGE, parseStackCommandArgs, prepareOneStack, runMain } from './stack-command';
import { terraform, terraformInit, terraformSetup } from './terraform-cli';

const USAGE = `Usage: npm run plan -- <stack> [options]\nStacks: ${ALL_STACK_NAMES.join(', ')}\n${STACK_COMMAND_USAGE}`;

runMain(async () => {
  const args = parseStackCommandArgs(process.argv.slice(2), USAGE);
  const { cwd } = prepareOneStack(args, 'Plan', USAGE);
  const setup = terraformSetup();
  const run = { cwd, setup, stream: true };
  console.log(`terraform init (${setup.mirror ? `provider mirror ${setup.mirror}` : 'providers from the registry'})`);
  await terraformInit({ ...run, stream: false });
  await terraform(['validate', '-no-color'], run);
  await terraform(['plan', '-input=false', '-no-color', '-lock=false', '-out=tfplan'], run);
  console.log(`Plan saved to ${cwd}/tfplan`);
});
