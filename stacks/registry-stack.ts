/**
 * One environment's image repositories. Deployed before images are published, because the
 * verified image must be pushed (and its digest recorded) before the application stack can pin it.
 */
import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { FunctionSpec } from '../model/function-spec';
import { HardenedEcrRepository } from '../modules/ecr-repository';
import { AwsTarget, configureAwsProvider } from './aws-target';
import { EnvironmentSettings } from './environment-settings';
import { PROJECT_TAG, ecrRepositoryName } from './naming';
import { StateBackend, configureBackend } from './sentiment-stack';

export interface RegistryStackProps {
  readonly settings: EnvironmentSettings;
  readonly target: AwsTarget;
  readonly catalog: readonly FunctionSpec[];
  readonly backend: StateBackend;
}

export class RegistryStack extends TerraformStack {
  readonly repositories: Readonly<Record<string, HardenedEcrRepository>>;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id);
    const env = props.settings.environment;
    configureBackend(this, props.backend, id);
    configureAwsProvider(this, {
      region: props.settings.region,
      target: props.target,
      defaultTags: { Project: PROJECT_TAG, Environment: env, ManagedBy: 'cdktf' },
    });
    const repositories: Record<string, HardenedEcrRepository> = {};
    for (const spec of props.catalog.filter((candidate) => candidate.packaging === 'image')) {
      repositories[spec.name] = new HardenedEcrRepository(this, spec.name, {
        repositoryName: ecrRepositoryName(env, spec.name),
        keepLastImages: 10,
        forceDelete: !props.settings.protectData,
      });
      new TerraformOutput(this, `${spec.name}-repository-url`, { value: repositories[spec.name].repository.repositoryUrl });
    }
    this.repositories = repositories;
  }
}
