// Issue 13's acceptance: "a fourth function added to a test catalog is built, verified, wired and
// served by emulate and deployed by the stacks with no other code change". The test catalog is the
// real ingestion (scheduled, publishes to SNS) plus a fixture declared only here (SNS-triggered,
// with a Function URL). Real containers, real moto, real SNS HTTP delivery; only NewsAPI (a third
// party) is mocked. The stacks are synthesized from the manifest this very run wrote.
// SNS invokes a subscribed function asynchronously, one record per message, and needs a resource-based
// permission for sns.amazonaws.com: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { request } from 'undici';
import { buildApp } from '../../../main';
import { REPO_ROOT } from '../../../model/paths';
import { FunctionSpec, validateFunctionSpec } from '../../../model/function-spec';
import { MANIFEST_PATH, readManifest } from '../../../model/manifest';
import { FUNCTION_URL_HEALTH_EVENT, SNS_NOTIFICATION_EVENT } from '../../../lambdas/test-events';
import { catalogEntry } from '../../../harness/machine-catalog';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { sampleArticle } from '../../../harness/local-aws/fake-newsapi';
import { scanItems } from '../../../harness/local-aws/seed-local-aws';
import { LocalStack, startLocalStack } from '../../../harness/pipeline/local-stack';
import { formatConsoleReport } from '../../../harness/report/console-report';
import { deployedFunctionName } from '../../../stacks/naming';

jest.setTimeout(30 * 60_000);

const OPEN_CORS = { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: ['content-type'] };

/** The fourth function: its declaration is the only thing added (the fixture's source aside). */
const notifier: FunctionSpec = {
  name: 'notifier',
  description: 'Test fixture: told of every new article over SNS, health behind a Function URL',
  sourceDir: 'test/fixtures/functions/notifier',
  packaging: 'zip',
  runtime: 'python3.13',
  architecture: 'x86_64',
  handler: 'handler.lambda_handler',
  memoryMb: 128,
  timeoutSeconds: 10,
  reservedConcurrency: 2,
  trigger: { kind: 'sns' },
  url: {
    authType: 'NONE',
    invokeMode: 'BUFFERED',
    cors: { local: OPEN_CORS, preprod: OPEN_CORS, prod: { ...OPEN_CORS, allowOrigins: ['https://notifier.example'] } },
  },
  healthPath: '/health',
  events: [SNS_NOTIFICATION_EVENT, FUNCTION_URL_HEALTH_EVENT],
  smokeChecks: [{ kind: 'invoke', name: 'ignores an event that is not an SNS message', event: { smoke: 'ping' }, expectJson: { status: 'ignored' } }],
};

const log: string[] = [];
let stack: LocalStack | undefined;
let catalog: readonly FunctionSpec[];
// The run records its artifacts in this checkout's manifest; it is put back as it was afterwards.
const manifestBefore = fs.existsSync(MANIFEST_PATH) ? fs.readFileSync(MANIFEST_PATH) : undefined;

async function waitFor(what: string, condition: () => boolean, limitMs = 180_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}. Harness log tail:\n${log.slice(-40).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  await ensureDockerEngine();
  // The catalog's own validation, relative to the repository root: a source outside lambdas/ is fine.
  catalog = [catalogEntry('ingestion'), validateFunctionSpec(notifier, REPO_ROOT)];
  stack = await startLocalStack({
    specs: catalog,
    baseChoice: 'auto',
    log: (line) => log.push(line),
    articles: [1, 2].map((n) => sampleArticle(n)),
    invokePort: 0,
    onFunctionLog: (name, line) => log.push(`${name} | ${line}`),
  });
  if (!stack.passed) throw new Error(`Verification failed:\n${formatConsoleReport(stack.verify.report)}`);
});

afterAll(async () => {
  await stack?.stop();
  if (manifestBefore) fs.writeFileSync(MANIFEST_PATH, manifestBefore);
  else fs.rmSync(MANIFEST_PATH, { force: true });
});

describe('a fourth function, added to a test catalog only (NewsAPI mocked)', () => {
  test('emulate builds, verifies and serves it with the real ingestion', () => {
    expect(stack!.verify.report.functions.map((f) => [f.name, f.passed])).toEqual([['ingestion', true], ['notifier', true]]);
    expect(Object.keys(stack!.functions).sort()).toEqual(['ingestion', 'notifier']);
  });

  test('emulate wires it by its declaration: an SNS subscription of its own and a Function URL', async () => {
    expect(stack!.snsBridges).toHaveLength(1);
    expect(Object.keys(stack!.urls)).toEqual(['notifier']);
    const response = await request(new URL('/health', stack!.urls.notifier));
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ status: 'healthy' });
  });

  test('the schedule runs ingestion; each message it publishes reaches the fourth function over SNS', async () => {
    const [scheduled] = await stack!.runSchedules();
    expect(scheduled.functionName).toBe('ingestion');
    expect(scheduled.result.ok).toBe(true);
    expect(JSON.parse(scheduled.result.payload.toString())).toMatchObject({ fetched: 2, stored: 2 });

    const snsRuns = () => stack!.triggerRuns.filter((run) => run.functionName === 'notifier' && run.trigger === 'sns');
    await waitFor('2 SNS deliveries to notifier', () => snsRuns().length >= 2);
    await stack!.settled();
    expect(snsRuns()).toHaveLength(2);

    // One message per stored article: each run carried one message id, and the function saw that
    // message, naming an item ingestion stored.
    const items = await scanItems(stack!.verify.localAws!.moto.endpoint, stack!.verify.localAws!.seeded.tableName);
    const storedIds = items.map((item) => item.source_id).sort();
    const seen = snsRuns().map((run) => {
      expect(run.result.ok).toBe(true);
      expect(run.messageIds).toHaveLength(1);
      const answer = JSON.parse(run.result.payload.toString()) as { status: string; notified: { message_id: string; source_id: string }[] };
      expect(answer.status).toBe('notified');
      expect(answer.notified.map((n) => n.message_id)).toEqual(run.messageIds);
      return answer.notified[0].source_id;
    });
    expect(seen.sort()).toEqual(storedIds);
    expect(new Set(snsRuns().map((run) => run.messageIds[0])).size).toBe(2);
  });

  test('the stacks deploy it from the manifest this run wrote: function, SNS subscription and permission, Function URL', () => {
    const manifest = readManifest(MANIFEST_PATH);
    const verified = manifest.functions.notifier;
    expect(verified).toMatchObject({ kind: 'zip', verification: { passed: true } });
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fourth-function-stacks-'));
    try {
      const app = buildApp({ outdir, manifest, catalog, stacks: ['preprod'], target: { kind: 'offline' }, stateDir: path.join(outdir, 'state') });
      const synthesized = JSON.parse(Testing.synth(app.node.findChild('preprod') as TerraformStack)) as {
        resource: Record<string, Record<string, Record<string, unknown>>>;
      };
      const resources = (type: string) => Object.entries(synthesized.resource[type] ?? {});
      const notifierResources = (type: string) => resources(type).filter(([id]) => id.startsWith('notifier_'));
      const functionName = deployedFunctionName('preprod', 'notifier');

      const [[functionId, lambda]] = notifierResources('aws_lambda_function');
      expect(lambda).toMatchObject({ function_name: functionName, runtime: 'python3.13', handler: 'handler.lambda_handler', memory_size: 128, reserved_concurrent_executions: 2 });
      // The verified ZIP itself is what deploys (its sha256 names the uploaded object).
      expect(verified.kind === 'zip' && verified.sha256).toBeTruthy();
      const [[, artifact]] = notifierResources('aws_s3_object');
      expect(artifact.key).toBe(`${functionName}/${verified.kind === 'zip' ? verified.sha256 : ''}.zip`);

      const functionRef = `aws_lambda_function.${functionId}`;
      const [[, subscription]] = notifierResources('aws_sns_topic_subscription');
      expect(subscription).toMatchObject({ protocol: 'lambda', endpoint: `\${${functionRef}.arn}` });
      // The topic may invoke it (the Function URL's public permissions are the URL's, checked below).
      const snsPermissions = notifierResources('aws_lambda_permission').map(([, permission]) => permission).filter((permission) => permission.principal === 'sns.amazonaws.com');
      expect(snsPermissions).toEqual([
        expect.objectContaining({ action: 'lambda:InvokeFunction', function_name: `\${${functionRef}.function_name}`, source_arn: subscription.topic_arn }),
      ]);
      expect(notifierResources('aws_lambda_function_url').map(([, url]) => url)).toEqual([
        expect.objectContaining({ authorization_type: 'NONE', function_name: `\${${functionRef}.function_name}` }),
      ]);
      // Ingestion keeps its schedule, as before.
      expect(resources('aws_cloudwatch_event_rule').map(([, rule]) => rule.schedule_expression)).toEqual(['rate(15 minutes)']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
