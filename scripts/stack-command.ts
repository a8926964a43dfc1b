/**
 * What `npm run synth|plan|deploy` share: their arguments, and synthesizing the requested stacks
 * (into cdktf.out by default) from the catalog and the artifact manifest.
 */
import * as path from 'node:path';
import { buildApp, assertStackName } from '../main';
import { REPO_ROOT } from '../lambdas/catalog';
import { MANIFEST_PATH } from '../harness/manifest';
import { AwsTarget, targetFromEnvironment } from '../stacks/aws-target';

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

export const STACK_COMMAND_USAGE = [
  'Options:',
  '  --manifest <file>   artifact manifest (default .work/manifest.json)',
  '  --outdir <dir>      synthesis output (default cdktf.out)',
  '  --offline           AWS provider calls nothing (plan without an AWS account)',
  '  --endpoint <url>    AWS provider talks to a local AWS API server (moto), e.g. http://127.0.0.1:5000',
  '  --state-dir <dir>   local state directory (default .work/terraform-state)',
  '  --skip-synth        use the stacks already synthesized in --outdir',
  '  --plan <file>       deploy only: apply this saved plan (from `npm run plan`), nothing re-synthesized or re-planned',
].join('\n');

export function parseStackCommandArgs(argv: readonly string[], usage: string): StackCommandArgs {
  const stacks: string[] = [];
  let manifestPath = MANIFEST_PATH;
  let outdir = path.join(REPO_ROOT, 'cdktf.out');
  let target = targetFromEnvironment();
  let skipSynth = false;
  let stateDir: string | undefined;
  let planFile: string | undefined;
  const value = (flag: string, index: number): string => {
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value.\n${usage}`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--manifest') manifestPath = path.resolve(value(arg, i++));
    else if (arg === '--outdir') outdir = path.resolve(value(arg, i++));
    else if (arg === '--state-dir') stateDir = path.resolve(value(arg, i++));
    else if (arg === '--offline') target = { kind: 'offline' };
    else if (arg === '--endpoint') target = { kind: 'local', endpoint: value(arg, i++) };
    else if (arg === '--skip-synth') skipSynth = true;
    else if (arg === '--plan') {
      planFile = path.resolve(value(arg, i++));
      skipSynth = true;
    }
    else if (arg === '--help' || arg === '-h') throw new Error(usage);
    else if (arg.startsWith('--')) throw new Error(`Unknown option '${arg}'.\n${usage}`);
    else stacks.push(assertStackName(arg));
  }
  return { stacks, manifestPath, outdir, target, skipSynth, stateDir, planFile };
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
