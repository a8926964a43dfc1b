/**
 * `npm run deploy -- <stack> [options]`: synthesizes the stack, runs the deploy gate on the
 * synthesized JSON, and only then runs Terraform. A refusal happens before `terraform init`:
 * no state, no provider, no API call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_STACK_NAMES } from '../main';
import { readManifestIfPresent } from '../harness/manifest';
import { checkDeployGate, formatVerdict } from '../harness/deploy-gate/deploy-gate';
import { enforceStackRules } from '../harness/stack-rules/default-pack';
import { STACK_COMMAND_USAGE, parseStackCommandArgs, runMain, synthesize } from './stack-command';
import { stackDirectory, terraform, terraformInit, terraformSetup } from './terraform-cli';

const USAGE = `Usage: npm run deploy -- <stack> [options]\nStacks: ${ALL_STACK_NAMES.join(', ')}\n${STACK_COMMAND_USAGE}`;

runMain(async () => {
  const args = parseStackCommandArgs(process.argv.slice(2), USAGE);
  if (args.stacks.length !== 1) throw new Error(`Deploy one stack at a time.\n${USAGE}`);
  const [stack] = args.stacks;
  if (!args.skipSynth) synthesize(args, [stack]);
  const cwd = stackDirectory(args.outdir, stack);
  if (!enforceStackRules(args.outdir, [stack])) {
    console.error(`Stack rules REFUSED '${stack}': nothing was planned or applied. Fix the stack (see above), then run again.`);
    process.exit(2);
  }

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
