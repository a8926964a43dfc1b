// `emulate --watch` in the analyzer's wiring (startLocalStack with swappable versions), with real
// containers and a real moto server: after a watched edit passes, SNS deliveries (the stack's
// subscription, an asynchronous invoke: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html)
// and the invoke endpoint reach the new version; a broken edit changes nothing that serves.
// The function is a small fixture named like the analyzer's SNS-triggered function, in a temporary directory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { publishToTopic } from '../../../harness/local-aws/seed-local-aws';
import { LocalStack, startLocalStack } from '../../../harness/pipeline/local-stack';
import { FunctionWatch, WatchOutcome, reverifyFor } from '../../../harness/pipeline/watch-function';
import { FunctionSpec } from '../../../model/function-spec';

jest.setTimeout(15 * 60_000);

const handler = (version: string) => [
  `VERSION = ${JSON.stringify(version)}`,
  'def lambda_handler(event, context):',
  '    return {"version": VERSION, "records": len(event.get("Records", []))}',
  '',
].join('\n');

describe('emulate --watch in the analyzer stack', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-stack-analysis-'));
  const lines: string[] = [];
  const outcomes: WatchOutcome[] = [];
  let stack: LocalStack | undefined;
  let watch: FunctionWatch | undefined;

  beforeAll(async () => {
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'handler.py'), handler('v1'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), '');
    const spec: FunctionSpec = {
      name: 'analysis', description: 'answers its version (test fixture)', sourceDir: dir, packaging: 'zip',
      runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler', memoryMb: 256, timeoutSeconds: 10,
      trigger: { kind: 'sns' },
    };
    stack = await startLocalStack({ baseChoice: 'standin', log: (line) => lines.push(line), specs: [spec], invokePort: 0, swappable: true });
    if (!stack.passed) throw new Error(`the fixture did not verify:\n${lines.join('\n')}`);
    const invoker = stack.invokers.analysis;
    watch = new FunctionWatch({
      invoker,
      reverify: reverifyFor(invoker, { log: (line) => lines.push(line), localAws: stack.verify.localAws }),
      log: (line) => lines.push(line),
      onOutcome: (outcome) => outcomes.push(outcome),
    }).start();
  });
  afterAll(async () => {
    await watch?.close();
    await stack?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function nextOutcome(): Promise<WatchOutcome> {
    const seen = outcomes.length;
    for (let waited = 0; outcomes.length === seen; waited += 100) {
      if (waited > 10 * 60_000) throw new Error(`no rebuild outcome:\n${lines.slice(-40).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return outcomes[seen];
  }

  async function lastSnsRun(message: string): Promise<unknown> {
    const localAws = stack!.verify.localAws!;
    await publishToTopic(localAws.moto.endpoint, localAws.seeded.topicArn, message);
    await stack!.settled();
    const run = stack!.triggerRuns[stack!.triggerRuns.length - 1];
    expect(run.result.ok).toBe(true);
    return JSON.parse(run.result.payload.toString());
  }

  const invokeEndpoint = async () =>
    (await (await fetch(`${stack!.invokeEndpoint!.url}/2015-03-31/functions/analysis/invocations`, { method: 'POST', body: '{}' })).json()) as unknown;

  test('SNS deliveries and the invoke endpoint reach the version that passed', async () => {
    expect(await lastSnsRun('before')).toEqual({ version: 'v1', records: 1 });
    const firstHash = stack!.invokers.analysis.served.artifact.contentHash;
    const invokeUrlBefore = stack!.invokeEndpoint!.url;

    fs.writeFileSync(path.join(dir, 'handler.py'), handler('v2'));
    expect(await nextOutcome()).toMatchObject({ status: 'serving' });
    expect(stack!.invokers.analysis.served.artifact.contentHash).not.toBe(firstHash);
    expect(await lastSnsRun('after')).toEqual({ version: 'v2', records: 1 });
    expect(stack!.invokeEndpoint!.url).toBe(invokeUrlBefore);
    expect(await invokeEndpoint()).toEqual({ version: 'v2', records: 0 });
  });

  test('a broken edit leaves the SNS subscription on the last good version', async () => {
    fs.writeFileSync(path.join(dir, 'handler.py'), `import missing_module_for_the_test\n${handler('v3')}`);
    expect(await nextOutcome()).toMatchObject({ status: 'rejected', errorType: 'Runtime.ImportModuleError' });
    expect(await lastSnsRun('still')).toEqual({ version: 'v2', records: 1 });
  });
});
