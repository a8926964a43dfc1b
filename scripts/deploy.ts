/**
 * `npm run deploy -- <stack> [options]`: synthesizes the stack, runs the deploy gate on the
 * synthesized JSON, and only then runs Terraform. A refusal happens before `terraform init`:
 * no state, no provider, no API call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_STACK_NAMES } from '../main';
import { readManifestIfPresent } from '../model/manifest';
import { checkDeployGate, formatVerdict } from '../deploy/deploy-gate';
import { STACK_COMMAND_USAGE, parseStackCommandArgs, prepareOneStack, runMain } from './stack-command';
import { terraform, terraformInit, terraformSetup } from './terraform-cli';

const USAGE = `Usage: npm run deploy -- <stack> [options]\nStacks: ${ALL_STACK_NAMES.join(', ')}\n${STACK_COMMAND_USAGE}`;

runMain(async () => {
  const args = parseStackCommandArgs(process.argv.slice(2), USAGE);
  const { stack, cwd } = prepareOneStack(args, 'Deploy', USAGE);

  const verdict = checkDeployGate({
    stackName: stack,
    stackJsonPath: path.join(cwd, 'cdk.tf.json'),
    // A stack without functions (a registry stack) needs no manifest; an empty one vouches for nothing.
    manifest: readManifestIfPresent(args.manifestPath),
  });
  if (!verdict.allowed) {
    console.error(formatVerdict(verdict));
    process.exit(2);
  }
  console.log(formatVerdict(verdict));

  const setup = terraformSetup();
  const run = { cwd, setup, stream: true };
  await terraformInit({ ...run, stream: false });
  if (args.planFile) {
    // The reviewed plan, exactly: Terraform refuses a saved plan whose configuration or state moved on,
    // and re-checks the deploy gate's preconditions while applying.
    if (!fs.existsSync(args.planFile)) throw new Error(`No saved plan at ${args.planFile}. Run \`npm run plan -- ${stack}\` first.`);
    await terraform(['apply', '-input=false', '-no-color', args.planFile], run);
  } else {
    await terraform(['plan', '-input=false', '-no-color', '-out=tfplan'], run);
    await terraform(['apply', '-input=false', '-no-color', 'tfplan'], run);
  }
  console.log(`Deployed ${stack}.`);
});
