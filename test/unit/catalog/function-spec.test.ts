import { CATALOG, catalogEntry, REPO_ROOT } from '../../../lambdas/catalog';
import { FunctionSpec, resolveEnvironment, validateFunctionSpec } from '../../../lambdas/function-spec';

const dashboard = catalogEntry('dashboard');

describe('the catalog', () => {
  test('declares the three functions with ADR-005 packaging', () => {
    expect(CATALOG.map((s) => [s.name, s.packaging])).toEqual([
      ['dashboard', process.env.DASHBOARD_PACKAGING === 'image' ? 'image' : 'zip'],
      ['ingestion', 'zip'],
      ['analysis', 'image'],
    ]);
  });

  test('an unknown function name lists the known ones', () => {
    expect(() => catalogEntry('billing')).toThrow("No function 'billing' in the catalog. Known: dashboard, ingestion, analysis.");
  });

  test.each<[Partial<FunctionSpec>, RegExp]>([
    [{ memoryMb: 64 }, /function 'dashboard': memoryMb must be an integer from 128 to 10240 .*got 64\./],
    [{ timeoutSeconds: 901 }, /timeoutSeconds must be an integer from 1 to 900 .*got 901\./],
    [{ handler: 'handler' }, /handler is required and must look like 'module.function' .*got 'handler'\./],
    [{ runtime: 'python2.7' as never }, /Unsupported runtime 'python2.7'\. Use one of: python3.11, python3.12, python3.13\./],
    [{ architecture: 'sparc' as never }, /Unsupported architecture 'sparc'/],
    [{ name: 'Dashboard!' }, /name must match .* got 'Dashboard!'/],
    [{ packaging: 'image', image: undefined }, /packaging 'image' needs an 'image' section/],
    [{ sourceDir: 'lambdas/missing' }, /source directory 'lambdas\/missing' does not exist/],
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html: 512 to 10,240 MB.
    [{ ephemeralStorageMb: 256 }, /ephemeralStorageMb \(the \/tmp size\) must be an integer from 512 to 10240 .*got 256\./],
    [{ ephemeralStorageMb: 10241 }, /ephemeralStorageMb .* got 10241\./],
    [{ onFailure: { kind: 'sns' } as never }, /onFailure.kind must be 'sqs-dlq' .*got 'sns'/],
  ])('rejects %p with a message naming the value', (override, message) => {
    expect(() => validateFunctionSpec({ ...dashboard, ...override }, REPO_ROOT)).toThrow(message);
  });

  test("refuses CORS '*' in prod", () => {
    const url = { ...dashboard.url!, cors: { ...dashboard.url!.cors, prod: dashboard.url!.cors.preprod } };
    expect(() => validateFunctionSpec({ ...dashboard, url })).toThrow(/CORS allowOrigins '\*' is allowed in preprod and local only, not in prod/);
  });

  test('resolves environment references per deployment and keeps literals', () => {
    const resolved = resolveEnvironment(dashboard, (value) => (value.ref === 'secret-arn' ? `arn:secret:${value.secret}` : `<${value.ref}>`));
    expect(resolved).toEqual({
      ENVIRONMENT: '<environment-name>',
      DYNAMODB_TABLE: '<table-name>',
      DASHBOARD_API_KEY_SECRET_ARN: 'arn:secret:dashboard-api-key',
      SSE_POLL_INTERVAL: '2',
    });
  });
});
