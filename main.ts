/**
 * The CDKTF app: per environment, a registry stack (ECR repositories) and an application stack
 * (data stores + the catalog's functions, deploying exactly the manifest's artifacts).
 *
 *   npm run synth                      all stacks into cdktf.out/
 *   npm run plan -- preprod            synth + terraform plan of one stack
 *   npm run deploy -- preprod          deploy gate, then terraform apply
 */
import * as path from 'node:path';
import { App } from 'cdktf';
import { REPO_ROOT } from './model/paths';
import { catalogFor } from './lambdas/catalog';
import { FunctionSpec } from './model/function-spec';
import { DEPLOY_ENVIRONMENTS, DeployEnvironment } from './model/resources';
import { MANIFEST_PATH, Manifest, readManifestIfPresent, recordedMachineChoices } from './model/manifest';
import { AwsTarget, targetFromEnvironment } from './stacks/aws-target';
import { environmentSettings } from './stacks/environment-settings';
import { appStackName, registryStackName } from './stacks/naming';
import { RegistryStack } from './stacks/registry-stack';
import { SentimentStack, StateBackend } from './stacks/sentiment-stack';
import { machineChoices } from './harness/machine-catalog';

export interface SentimentAppOptions {
  /** @default '<repo>/cdktf.out' */
  readonly outdir?: string;
  /** Names of the stacks to build. @default every stack (ALL_STACK_NAMES) */
  readonly stacks?: readonly string[];
  /** @default read from manifestPath (none yet: an empty manifest; plans then refuse) */
  readonly manifest?: Manifest;
  /** @default '<repo>/.work/manifest.json' */
  readonly manifestPath?: string;
  /** Directory the manifest's relative ZIP paths resolve against. @default the repository root */
  readonly repoRoot?: string;
  /** @default from SENTIMENT_AWS_TARGET / SENTIMENT_AWS_ENDPOINT, else real AWS */
  readonly target?: AwsTarget;
  /** @default process.env.AWS_REGION ?? 'us-east-1' */
  readonly region?: string;
  /** @default SENTIMENT_AWS_ACCOUNT_ID (real AWS) or the local account (offline/local) */
  readonly accountId?: string;
  /** Local state files live here unless SENTIMENT_TF_STATE_BUCKET selects S3. @default '<repo>/.work/terraform-state' */
  readonly stateDir?: string;
  /** @default the catalog, with the machine-dependent choices the manifest recorded (what was verified) */
  readonly catalog?: readonly FunctionSpec[];
}

export const ALL_STACK_NAMES: readonly string[] = DEPLOY_ENVIRONMENTS.flatMap((env) => [registryStackName(env), appStackName(env)]);

export function assertStackName(name: string): string {
  if (!ALL_STACK_NAMES.includes(name)) {
    throw new Error(`Unknown stack '${name}'. Stacks: ${ALL_STACK_NAMES.join(', ')}.`);
  }
  return name;
}

function stateBackend(stackName: string, stateDir: string): StateBackend {
  const bucket = process.env.SENTIMENT_TF_STATE_BUCKET;
  if (bucket) {
    return {
      kind: 's3',
      bucket,
      region: process.env.SENTIMENT_TF_STATE_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
      lockTable: process.env.SENTIMENT_TF_LOCK_TABLE || undefined,
    };
  }
  return { kind: 'local', path: path.join(stateDir, `${stackName}.tfstate`) };
}

export function buildApp(options: SentimentAppOptions = {}): App {
  const wanted = (options.stacks ?? ALL_STACK_NAMES).map(assertStackName);
  const target = options.target ?? targetFromEnvironment();
  const manifestPath = path.resolve(options.manifestPath ?? MANIFEST_PATH);
  const manifest = options.manifest ?? readManifestIfPresent(manifestPath);
  // Synthesis deploys what verify recorded, including the machine-dependent choices.
  const catalog = options.catalog ?? catalogFor(recordedMachineChoices(manifest, machineChoices()));
  const stateDir = options.stateDir ?? path.join(REPO_ROOT, '.work', 'terraform-state');
  const app = new App({ outdir: options.outdir ?? path.join(REPO_ROOT, 'cdktf.out') });

  for (const env of DEPLOY_ENVIRONMENTS as readonly DeployEnvironment[]) {
    const settings = () => environmentSettings(env, target, { region: options.region, accountId: options.accountId });
    const registry = registryStackName(env);
    if (wanted.includes(registry)) {
      new RegistryStack(app, registry, { settings: settings(), target, catalog, backend: stateBackend(registry, stateDir) });
    }
    const appStack = appStackName(env);
    if (wanted.includes(appStack)) {
      new SentimentStack(app, appStack, {
        settings: settings(),
        target,
        catalog,
        manifest,
        manifestPath,
        repoRoot: options.repoRoot ?? REPO_ROOT,
        backend: stateBackend(appStack, stateDir),
      });
    }
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
