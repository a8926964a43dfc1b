import { machineCatalog, catalogEntry } from '../../../harness/machine-catalog';
import { REPO_ROOT } from '../../../model/paths';
import { FunctionSpec, resolveEnvironment, validateFunctionSpec } from '../../../model/function-spec';
import { RESERVED_ENVIRONMENT_VARIABLES } from '../../../model/reserved-environment';
import { codeOfThrown } from '../thrown-code';

const dashboard = catalogEntry('dashboard');

describe('the catalog', () => {
  test('declares the three functions with ADR-005 packaging', () => {
    expect(machineCatalog().map((s) => [s.name, s.packaging])).toEqual([
      ['dashboard', process.env.DASHBOARD_PACKAGING === 'image' ? 'image' : 'zip'],
      ['ingestion', 'zip'],
      ['analysis', 'image'],
    ]);
  });

  test('an unknown function name lists the known ones', () => {
    expect(() => catalogEntry('billing')).toThrow("No function 'billing' in the catalog. Known: dashboard, ingestion, analysis.");
    expect(codeOfThrown(() => catalogEntry('billing'))).toBe('CONFIGURATION');
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
  ])('rejects %p as CONFIGURATION with a message naming the value', (override, message) => {
    expect(() => validateFunctionSpec({ ...dashboard, ...override }, REPO_ROOT)).toThrow(message);
    expect(codeOfThrown(() => validateFunctionSpec({ ...dashboard, ...override }, REPO_ROOT))).toBe('CONFIGURATION');
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

  // AWS refuses these at CreateFunction; the list is the "Reserved environment variables" of
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html
  test.each(RESERVED_ENVIRONMENT_VARIABLES)('refuses the reserved Lambda variable %s in the environment, naming it and the fix', (name) => {
    const spec = { ...dashboard, environment: { ...dashboard.environment, [name]: 'x' } };
    expect(() => validateFunctionSpec(spec)).toThrow(new RegExp(`environment variable ${name} is reserved by Lambda: AWS refuses to create the function.*Remove it`));
    expect(codeOfThrown(() => validateFunctionSpec(spec))).toBe('CONFIGURATION');
  });

  test('accepts the unreserved variables Lambda lets a function set (TZ, PYTHONPATH)', () => {
    expect(() => validateFunctionSpec({ ...dashboard, environment: { ...dashboard.environment, TZ: 'Europe/Paris', PYTHONPATH: '/var/task/src' } })).not.toThrow();
  });

  test.each<[string, Partial<FunctionSpec>, RegExp]>([
    ['table', { uses: { secrets: ['dashboard-api-key'] } }, /DYNAMODB_TABLE references the table-name, but 'uses' grants no access to it.*Add to its uses: table: \['dynamodb:<Action>'/],
    ['secret', { uses: { table: ['dynamodb:Scan'] } }, /DASHBOARD_API_KEY_SECRET_ARN references the secret-arn of 'dashboard-api-key'.*Add to its uses: secrets: \['dashboard-api-key'\]/],
    ['topic', { environment: { TOPIC: { ref: 'topic-arn' } }, uses: {} }, /TOPIC references the topic-arn.*Add to its uses: topic: \['sns:Publish'\]/],
    ['bucket', { environment: { MODEL: { ref: 'model-s3-uri' } }, uses: {} }, /MODEL references the model-s3-uri.*Add to its uses: modelBucket: \['s3:GetObject'\]/],
  ])('refuses a %s reference without the matching uses entry, naming the entry to add', (_what, override, message) => {
    expect(() => validateFunctionSpec({ ...dashboard, ...override })).toThrow(message);
    expect(codeOfThrown(() => validateFunctionSpec({ ...dashboard, ...override }))).toBe('CONFIGURATION');
  });

  test('refuses uses actions it cannot grant, and empty action lists', () => {
    expect(() => validateFunctionSpec({ ...dashboard, uses: { ...dashboard.uses, table: ['dynamodb:*' as never] } })).toThrow(/uses.table must list the actions.*got 'dynamodb:\*'/);
    expect(() => validateFunctionSpec({ ...dashboard, uses: { ...dashboard.uses, table: [] } })).toThrow(/uses.table .*got an empty list/);
    expect(codeOfThrown(() => validateFunctionSpec({ ...dashboard, uses: { ...dashboard.uses, table: [] } }))).toBe('CONFIGURATION');
  });
});
