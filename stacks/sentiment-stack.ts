/**
 * One environment's application stack: data stores plus every catalog function, deploying
 * exactly the artifacts the manifest lists. Its `terraform init` needs only hashicorp/aws.
 */
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { FunctionSpec } from '../lambdas/function-spec';
import { resourceNames } from '../lambdas/resources';
import { Manifest } from '../harness/manifest';
import { AwsTarget, configureAwsProvider } from './aws-target';
import { CatalogFunction } from './catalog-function';
import { DataStores } from './data-stores';
import { deployableArtifact } from './deployable-artifacts';
import { EnvironmentSettings, ecrRegistry } from './environment-settings';
import { PROJECT_TAG, artifactBucketName, ecrRepositoryName } from './naming';

/** Where Terraform keeps state. */
export type StateBackend =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly region: string; readonly lockTable?: string };

export interface SentimentStackProps {
  readonly settings: EnvironmentSettings;
  readonly target: AwsTarget;
  readonly catalog: readonly FunctionSpec[];
  readonly manifest: Manifest;
  /** Directory the manifest's relative ZIP paths resolve against. */
  readonly repoRoot: string;
  readonly backend: StateBackend;
}

export function configureBackend(stack: TerraformStack, backend: StateBackend, stackName: string): void {
  if (backend.kind === 'local') {
    new LocalBackend(stack, { path: backend.path });
  } else {
    new S3Backend(stack, {
      bucket: backend.bucket,
      key: `sentiment/${stackName}.tfstate`,
      region: backend.region,
      encrypt: true,
      dynamodbTable: backend.lockTable,
    });
  }
}

export class SentimentStack extends TerraformStack {
  readonly stores: DataStores;
  readonly functions: Readonly<Record<string, CatalogFunction>>;

  constructor(scope: Construct, id: string, props: SentimentStackProps) {
    super(scope, id);
    const { settings } = props;
    const env = settings.environment;
    configureBackend(this, props.backend, id);
    configureAwsProvider(this, {
      region: settings.region,
      target: props.target,
      defaultTags: { Project: PROJECT_TAG, Environment: env, ManagedBy: 'cdktf' },
    });

    this.stores = new DataStores(this, 'stores', {
      names: resourceNames(env),
      artifactBucketName: artifactBucketName(env),
      protectData: settings.protectData,
      secretRecoveryDays: settings.secretRecoveryDays,
    });

    const functions: Record<string, CatalogFunction> = {};
    for (const spec of props.catalog) {
      const artifact = deployableArtifact(spec, props.manifest, {
        repoRoot: props.repoRoot,
        repositoryUrl: `${ecrRegistry(settings)}/${ecrRepositoryName(env, spec.name)}`,
      });
      functions[spec.name] = new CatalogFunction(this, spec.name, { spec, settings, stores: this.stores, artifact });
      const url = functions[spec.name].url;
      if (url) {
        new TerraformOutput(this, `${spec.name}-url`, { value: url.url.functionUrl, description: `Function URL of ${spec.name}` });
      }
    }
    this.functions = functions;
  }
}
