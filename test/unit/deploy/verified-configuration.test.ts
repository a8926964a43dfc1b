/** The one rule "synthesized function == verified configuration", and its fingerprint. */
import { catalogEntry } from '../../../harness/machine-catalog';
import { catalogFor, resolveMachineChoices } from '../../../lambdas/catalog';
import {
  canonicalJson,
  configurationDifferences,
  configurationFingerprint,
  functionConfiguration,
} from '../../../model/verified-configuration';
import { EMPTY_MANIFEST, choicesFor, recordedMachineChoices } from '../../../model/manifest';

const dashboard = functionConfiguration(catalogEntry('dashboard'));

describe('functionConfiguration', () => {
  it('records what changes how the function runs: runtime, handler, memory, timeout, storage, environment, URL', () => {
    expect(dashboard).toMatchObject({
      packaging: expect.stringMatching(/^(zip|image)$/),
      runtime: 'python3.13',
      architecture: 'x86_64',
      handler: 'handler.lambda_handler',
      memoryMb: 512,
      timeoutSeconds: 30,
      ephemeralStorageMb: 512,
      url: { authType: 'NONE', invokeMode: 'BUFFERED' },
    });
    // Names and literal values; references name what supplies them, never a secret value.
    expect(dashboard.environment).toEqual({
      ENVIRONMENT: 'ref:environment-name',
      DYNAMODB_TABLE: 'ref:table-name',
      DASHBOARD_API_KEY_SECRET_ARN: 'ref:secret-arn:dashboard-api-key',
      SSE_POLL_INTERVAL: '2',
    });
  });
});

describe('configurationFingerprint', () => {
  it('is the sha256 of a canonical JSON: key order does not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    const reordered = Object.fromEntries(Object.entries(dashboard).reverse()) as typeof dashboard;
    expect(configurationFingerprint(reordered)).toBe(configurationFingerprint(dashboard));
    expect(configurationFingerprint({ ...dashboard, memoryMb: 513 })).not.toBe(configurationFingerprint(dashboard));
    expect(configurationFingerprint(dashboard)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('configurationDifferences', () => {
  it('is empty for the same configuration', () => {
    expect(configurationDifferences(dashboard, { ...dashboard })).toEqual([]);
  });

  it('names each difference as "field: verified X, stack deploys Y"', () => {
    const deployed = {
      ...dashboard,
      runtime: 'python3.12',
      handler: 'app.handler',
      memoryMb: 1024,
      timeoutSeconds: 60,
      ephemeralStorageMb: 1024,
      environment: { ...dashboard.environment, SSE_POLL_INTERVAL: '5', EXTRA: 'x' },
      url: { ...dashboard.url!, authType: 'AWS_IAM' },
    };
    expect(configurationDifferences(dashboard, deployed)).toEqual([
      'runtime: verified python3.13, stack deploys python3.12',
      'handler: verified handler.lambda_handler, stack deploys app.handler',
      'memory: verified 512 MB, stack deploys 1024 MB',
      'timeout: verified 30 s, stack deploys 60 s',
      'ephemeral storage: verified 512 MB, stack deploys 1024 MB',
      'environment EXTRA: not verified, stack deploys x',
      'environment SSE_POLL_INTERVAL: verified 2, stack deploys 5',
      'URL auth type: verified NONE, stack deploys AWS_IAM',
    ]);
  });

  it('names a removed variable and a removed URL', () => {
    const { SSE_POLL_INTERVAL: _removed, ...environment } = dashboard.environment;
    expect(configurationDifferences(dashboard, { ...dashboard, environment, url: null })).toEqual(
      expect.arrayContaining(['environment SSE_POLL_INTERVAL: verified 2, stack deploys none', 'URL auth type: verified NONE, stack deploys (none)']),
    );
  });
});

describe('machine-dependent catalog choices', () => {
  it('are resolved from the environment, and the manifest records them with the function they shape', () => {
    const choices = resolveMachineChoices({ env: { ANALYSIS_RUNTIME: 'python3.11', DASHBOARD_PACKAGING: 'image' }, localWheelFiles: [] });
    expect(choices).toEqual({ ANALYSIS_RUNTIME: 'python3.11', DASHBOARD_PACKAGING: 'image' });
    expect(choicesFor('analysis', choices)).toEqual({ ANALYSIS_RUNTIME: 'python3.11' });
    expect(choicesFor('dashboard', choices)).toEqual({ DASHBOARD_PACKAGING: 'image' });
    expect(choicesFor('ingestion', choices)).toEqual({});
    expect(() => resolveMachineChoices({ env: { DASHBOARD_PACKAGING: 'docker' }, localWheelFiles: [] })).toThrow(/DASHBOARD_PACKAGING must be zip or image, got 'docker'/);
  });

  it('synthesis deploys what was recorded, not what this machine would choose', () => {
    const here = resolveMachineChoices({ env: { ANALYSIS_RUNTIME: 'python3.13' }, localWheelFiles: [] });
    const manifest = {
      ...EMPTY_MANIFEST,
      functions: { analysis: { choices: { ANALYSIS_RUNTIME: 'python3.11' } } },
    } as unknown as typeof EMPTY_MANIFEST;
    const recorded = recordedMachineChoices(manifest, here);
    expect(recorded).toEqual({ ...here, ANALYSIS_RUNTIME: 'python3.11' });
    expect(catalogFor(recorded).find((spec) => spec.name === 'analysis')?.runtime).toBe('python3.11');
    expect(recordedMachineChoices(EMPTY_MANIFEST, here)).toEqual(here);
  });
});
