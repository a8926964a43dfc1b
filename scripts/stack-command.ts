/**
 * What `npm run synth|plan|deploy` share: their arguments, and synthesizing the requested stacks
 * (into cdktf.out by default) from the catalog and the artifact manifest.
 */
import * as path from 'node:path';
import { buildApp, assertStackName } from '../main';
import { REPO_ROOT } from '../model/paths';
import { MANIFEST_PATH } from '../model/manifest';
import { AwsTarget, targetFromEnvironment } from '../stacks/aws-target';
import { OptionSpec, UsageError, formatOptions, parseArgs } from '../harness/cli/cli-args';
import { enforceStackRules } from '../deploy/stack-rules/default-pack';
import { stackDirectory } from './terraform-cli';

export interface StackCommandArgs {
  readonly stacks: readonly string[];
  readonly manifestPath: string;
  readonly outdir: string;
  readonly target: AwsTarget;
  /** Use what is already in outdir (like `cdktf deploy --skip-synth`). */
  readonly skipSynth: boolean;
  readonly stateDir?: string;
  /** deploy: apply this saved plan (the reviewed one) instead of planning again; implies skipSynth. @default plan afresh */
  readonly planFile?: string;
}

/** The options synth, plan, deploy and check-stacks share. */
export const STACK_COMMAND_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  manifest: { kind: 'value', description: 'artifact manifest (default .work/manifest.json)' },
  outdir: { kind: 'value', description: 'synthesis output (default cdktf.out)' },
  offline: { kind: 'switch', description: 'AWS provider calls nothing (plan without an AWS account)' },
  endpoint: { kind: 'value', description: 'AWS provider talks to a local AWS API server (moto), e.g. http://127.0.0.1:5000' },
  'state-dir': { kind: 'value', description: 'local state directory (default .work/terraform-state)' },
  'skip-synth': { kind: 'switch', description: 'use the stacks already synthesized in --outdir' },
  plan: { kind: 'value', description: 'deploy only: apply this saved plan (from `npm run plan`), nothing re-synthesized or re-planned' },
};

export const STACK_COMMAND_USAGE = `Options:\n${formatOptions(STACK_COMMAND_OPTIONS)}`;

/** Parses `<stack>... [options]`; `extra` adds a command's own switches (read them from `switches`). */
export function parseStackCommandArgs(
  argv: readonly string[],
  usage: string,
  extra: Readonly<Record<string, OptionSpec>> = {},
): StackCommandArgs & { readonly switches: Readonly<Record<string, boolean>> } {
  const args = parseArgs(argv, { ...STACK_COMMAND_OPTIONS, ...extra }, usage);
  const { values, switches } = args;
  if (switches.offline && values.endpoint !== undefined) {
    throw new UsageError('--offline and --endpoint exclude each other: plan without AWS, or against the local AWS server.', usage);
  }
  const resolved = (value: string | undefined) => (value === undefined ? undefined : path.resolve(value));
  const target: AwsTarget = switches.offline
    ? { kind: 'offline' }
    : values.endpoint !== undefined ? { kind: 'local', endpoint: values.endpoint } : targetFromEnvironment();
  const planFile = resolved(values.plan);
  return {
    stacks: args.positionals.map(assertStackName),
    manifestPath: resolved(values.manifest) ?? MANIFEST_PATH,
    outdir: resolved(values.outdir) ?? path.join(REPO_ROOT, 'cdktf.out'),
    target,
    skipSynth: switches['skip-synth'] || planFile !== undefined,
    stateDir: resolved(values['state-dir']),
    planFile,
    switches,
  };
}

/**
 * What plan and deploy do first: one stack named, synthesized (unless --skip-synth), and passing the
 * stack rules; exits 2 when a rule fails, before anything is planned. Returns the stack and its directory.
 */
export function prepareOneStack(args: StackCommandArgs, verb: 'Plan' | 'Deploy', usage: string): { stack: string; cwd: string } {
  if (args.stacks.length !== 1) throw new Error(`${verb} one stack at a time.\n${usage}`);
  const [stack] = args.stacks;
  if (!args.skipSynth) synthesize(args, [stack]);
  const cwd = stackDirectory(args.outdir, stack);
  if (!enforceStackRules(args.outdir, [stack])) {
    console.error(`Stack rules REFUSED '${stack}': nothing was planned or applied. Fix the stack (see above), then run again.`);
    process.exit(2);
  }
  return { stack, cwd };
}

export function synthesize(args: StackCommandArgs, stacks: readonly string[]): void {
  process.env.CHECKPOINT_DISABLE ??= '1';
  process.env.DISABLE_VERSION_CHECK ??= '1';
  buildApp({
    outdir: args.outdir,
    stacks,
    manifestPath: args.manifestPath,
    target: args.target,
    stateDir: args.stateDir,
  }).synth();
}

/** Runs a command's main, printing errors for people and exiting non-zero. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
