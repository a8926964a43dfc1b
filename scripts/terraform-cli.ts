/**
 * Runs the real Terraform CLI on a synthesized stack. Offline machines use a filesystem mirror of
 * hashicorp/aws; everywhere else Terraform installs providers the usual way.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../lambdas/catalog';

const AWS_PROVIDER_PATH = path.join('registry.terraform.io', 'hashicorp', 'aws');
const WELL_KNOWN_MIRRORS = ['/opt/tf-plugins', '/usr/share/terraform/plugins', '/usr/local/share/terraform/plugins'];

export class TerraformCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly cwd: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(
      [
        `terraform ${args.join(' ')} failed (exit ${exitCode}) in ${cwd}.`,
        '  Last output:',
        ...lastLines(output, 30).map((line) => `    ${line}`),
        `  ${hintFor(output)}`,
      ].join('\n'),
    );
    this.name = 'TerraformCommandError';
  }
}

function lastLines(text: string, count: number): string[] {
  return text.trimEnd().split('\n').slice(-count);
}

function hintFor(output: string): string {
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
  const found = spawnSync('find', ['/', '-maxdepth', '6', '-path', `*${AWS_PROVIDER_PATH}`, '-not', '-path', '*/.terraform/*'], {
    encoding: 'utf8',
  });
  const first = found.stdout.split('\n').find((line) => line.trim() !== '');
  return first ? path.resolve(first, '..', '..', '..') : undefined;
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

export function terraform(args: readonly string[], options: TerraformRunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', [...args], {
      cwd: options.cwd,
      env: { ...options.setup.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.stream) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) =>
      reject(new Error(`Could not run terraform (${error.message}). Install Terraform >= 1.5 and put it on PATH.`)),
    );
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new TerraformCommandError(args, options.cwd, code, output))));
  });
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
