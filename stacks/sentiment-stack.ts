/**
 * One environment's application stack: data stores plus every catalog function, deploying
 * exactly the artifacts the manifest lists. Its `terraform init` needs only hashicorp/aws.
 */
import { Construct } from 'constructs';
import { Annotations, LocalBackend, S3Backend, TerraformLocal, TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { MANIFEST_LOCAL, manifestLocalExpression } from './terraform-gate';
import { FunctionSpec } from '../model/function-spec';
import { resourceNames } from '../model/resources';
import { Manifest } from '../model/manifest';
import { AwsTarget, configureAwsProvider } from './aws-target';
import { CatalogFunction } from './catalog-function';
import { DataStores } from './data-stores';
import { deployableArtifact, manifestEntryFor } from './deployable-artifacts';
import { AlertTopic } from '../modules/alert-topic';
import { EnvironmentSettings, alertEndpointVariables, ecrRegistry } from './environment-settings';
import { PROJECT_TAG, accountScopedBucketName, alertTopicName, artifactBucketName } from './naming';

/** Where Terraform keeps state. */
export type StateBackend =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly region: string; readonly lockTable?: string };

export interface SentimentStackProps {
  readonly settings: EnvironmentSettings;
  readonly target: AwsTarget;
  readonly catalog: readonly FunctionSpec[];
  readonly manifest: Manifest;
  /** Absolute path of that manifest on disk: the deploy gate's preconditions read it again at plan. */
  readonly manifestPath: string;
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
  readonly alerts: AlertTopic;
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

    // Offline plans call no API; everywhere else the credentials' account must be the configured one.
    const caller = props.target.kind === 'offline' ? undefined : new DataAwsCallerIdentity(this, 'caller');
    // S3 names are global, so they carry the account id: the configured one, else the credentials'
    // account read at plan (synth never needs it: a fresh clone synthesizes every stack).
    const accountId = settings.accountId ?? caller!.accountId;
    const names = resourceNames(env);
    this.stores = new DataStores(this, 'stores', {
      names,
      modelBucketName: accountScopedBucketName(names.modelBucket, accountId),
      artifactBucketName: accountScopedBucketName(artifactBucketName(env), accountId),
      protectData: settings.protectData,
      secretRecoveryDays: settings.secretRecoveryDays,
      // The local rehearsal's AWS (moto) serves plain HTTP and enforces bucket policies: a TLS-only
      // policy would lock Terraform itself out of the buckets it manages there.
      tlsOnly: props.target.kind !== 'local',
      accountCheck: caller && settings.accountId ? { callerAccountId: caller.accountId, expectedAccountId: settings.accountId } : undefined,
    });
    new TerraformOutput(this, 'model-bucket', { value: this.stores.modelBucket.name, description: 'Upload the model archive here' });

    this.alerts = new AlertTopic(this, 'alerts', {
      topicName: alertTopicName(env),
      endpoint: settings.alertEndpoint,
      accountId,
    });
    new TerraformOutput(this, 'alert-topic-arn', { value: this.alerts.arn, description: 'Every alarm notifies this topic' });
    if (!settings.alertEndpoint) {
      Annotations.of(this).addWarning(
        `No alert subscriber for ${env}: alarms reach ${alertTopicName(env)} and nobody else. Set ${alertEndpointVariables(env).join(' or ')} to an e-mail address or https URL.`,
      );
    }

    // The deploy gate's preconditions read the manifest again when Terraform plans.
    new TerraformLocal(this, MANIFEST_LOCAL, manifestLocalExpression(props.manifestPath));
    const functions: Record<string, CatalogFunction> = {};
    for (const spec of props.catalog) {
      const artifact = deployableArtifact(spec, props.manifest, { repoRoot: props.repoRoot });
      functions[spec.name] = new CatalogFunction(this, spec.name, {
        spec,
        settings,
        stores: this.stores,
        artifact,
        verified: manifestEntryFor(spec, props.manifest) ?? props.manifest.functions[spec.name],
        manifestPath: props.manifestPath,
        // Offline plans call no API, so they cannot look the repository up: its URL is computed.
        imageRegistry: props.target.kind === 'offline' ? { kind: 'fixed', registry: ecrRegistry(settings) } : { kind: 'lookup' },
        alarmActions: [this.alerts.arn],
      });
      const url = functions[spec.name].url;
      if (url) {
        new TerraformOutput(this, `${spec.name}-url`, { value: url.url.functionUrl, description: `Function URL of ${spec.name}` });
      }
    }
    this.functions = functions;
  }
}
