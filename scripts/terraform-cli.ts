/**
 * Runs the real Terraform CLI on a synthesized stack. Offline machines use a filesystem mirror of
 * hashicorp/aws; everywhere else Terraform installs providers the usual way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../model/paths';
import { runProcess } from '../harness/process/run-process';

const AWS_PROVIDER_PATH = path.join('registry.terraform.io', 'hashicorp', 'aws');
const WELL_KNOWN_MIRRORS = ['/opt/tf-plugins', '/usr/share/terraform/plugins', '/usr/local/share/terraform/plugins'];

function hintFor(output: string, startError?: Error): string {
  if (startError) return 'Install Terraform >= 1.5 and put it on PATH.';
  if (/Failed to query available provider packages|could not connect to registry/i.test(output)) {
    return 'Likely cause: no provider mirror and no registry access. Set SENTIMENT_TF_PLUGIN_DIR to a directory containing registry.terraform.io/hashicorp/aws.';
  }
  if (/No valid credential sources found|InvalidClientTokenId|ExpiredToken/i.test(output)) {
    return 'Likely cause: no AWS credentials. Plan offline with --offline, or export AWS credentials for the target account.';
  }
  if (/connection refused|dial tcp/i.test(output)) {
    return 'Likely cause: the AWS endpoint is not answering (is the local AWS server still running?).';
  }
  return 'Read the Terraform error above; the stack JSON is in this directory (cdk.tf.json).';
}

/** Finds the directory that holds `registry.terraform.io/hashicorp/aws`, or undefined when there is none. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.SENTIMENT_TF_PLUGIN_DIR;
  if (configured) {
    if (!fs.existsSync(path.join(configured, AWS_PROVIDER_PATH))) {
      throw new Error(
        `SENTIMENT_TF_PLUGIN_DIR=${configured} does not contain ${AWS_PROVIDER_PATH}. Point it at the mirror root (the directory holding registry.terraform.io).`,
      );
    }
    return configured;
  }
  for (const candidate of WELL_KNOWN_MIRRORS) {
    if (fs.existsSync(path.join(candidate, AWS_PROVIDER_PATH))) return candidate;
  }
  const found = findDirectoryEndingWith('/', AWS_PROVIDER_PATH, 6);
  return found ? path.resolve(found, '..', '..', '..') : undefined;
}

/**
 * The first directory at most `maxDepth` levels below `root` whose path ends with `suffix`
 * (breadth-first; symlinks, /proc, /sys and Terraform's own `.terraform` caches are not entered).
 */
function findDirectoryEndingWith(root: string, suffix: string, maxDepth: number): string | undefined {
  let level = [root];
  for (let depth = 1; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable: skipped, as find does
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || entry.name === '.terraform') continue;
        const full = path.join(dir, entry.name);
        if (full === '/proc' || full === '/sys') continue;
        if (full.endsWith(`${path.sep}${suffix}`)) return full;
        next.push(full);
      }
    }
    level = next;
  }
  return undefined;
}

export interface TerraformSetup {
  /** Environment for every terraform command (CLI config, no checkpoint calls). */
  readonly env: NodeJS.ProcessEnv;
  /** The mirror in use. @default undefined: Terraform downloads providers */
  readonly mirror?: string;
}

/** Writes a CLI config that installs hashicorp/aws from the mirror only, and returns the env to use. */
export function terraformSetup(workDir = path.join(REPO_ROOT, '.work', 'terraform')): TerraformSetup {
  const mirror = findProviderMirror();
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  if (!mirror) return { env };
  fs.mkdirSync(workDir, { recursive: true });
  const cliConfig = path.join(workDir, 'offline.tfrc');
  fs.writeFileSync(
    cliConfig,
    [
      '# Written by scripts/terraform-cli.ts: providers come from the local mirror, never the network.',
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return { env: { ...env, TF_CLI_CONFIG_FILE: cliConfig }, mirror };
}

export interface TerraformRunOptions {
  readonly cwd: string;
  readonly setup: TerraformSetup;
  /** Extra environment (e.g. AWS_* for the target). @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Echo output while it runs. @default false */
  readonly stream?: boolean;
}

/** Runs `terraform args` in the stack directory; resolves with its output, rejects with a ProcessError (last 30 lines and a hint). */
export async function terraform(args: readonly string[], options: TerraformRunOptions): Promise<string> {
  const result = await runProcess('terraform', args, {
    cwd: options.cwd,
    env: { ...options.setup.env, ...options.env },
    onOutput: options.stream ? (chunk) => process.stdout.write(chunk) : undefined,
    hint: (tail, startError) => hintFor(tail.join('\n'), startError),
  });
  return result.output;
}

/** The directory cdktf synthesized a stack into. */
export function stackDirectory(outdir: string, stackName: string): string {
  const dir = path.join(outdir, 'stacks', stackName);
  if (!fs.existsSync(path.join(dir, 'cdk.tf.json'))) {
    throw new Error(`No synthesized stack '${stackName}' in ${outdir} (expected ${dir}/cdk.tf.json). Run \`npm run synth\` first.`);
  }
  return dir;
}

export async function terraformInit(options: TerraformRunOptions): Promise<string> {
  return terraform(['init', '-input=false', '-no-color'], options);
}
