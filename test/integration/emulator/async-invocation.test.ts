/**
 * Asynchronous invocation as Lambda does it, with real containers and a real moto server:
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html (queue, 202),
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html (two retries),
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (dead-letter queue message).
 * Retry delays are shortened (Lambda's are 1 and 2 minutes); everything else is as deployed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AsyncInvocationQueue, FailedAsyncEvent } from '../../../harness/emulator/async-invocation-queue';
import { InvokeEndpoint } from '../../../harness/emulator/invoke-endpoint';
import { LambdaEmulator } from '../../../harness/emulator/lambda-emulator';
import { publishToTopic, queueMessages } from '../../../harness/local-aws/seed-local-aws';
import { LocalStack, startLocalStack } from '../../../harness/pipeline/local-stack';
import { FunctionSpec } from '../../../model/function-spec';
import { Agent, request } from 'undici';
import { launchSpec, runtimeImage, testEmulator, writeTaskDir } from './emulator-fixtures';

jest.setTimeout(15 * 60_000);

describe('Event invokes through the invoke endpoint', () => {
  let emulator: LambdaEmulator;
  let logs: string[];
  let endpoint: InvokeEndpoint;
  let queue: AsyncInvocationQueue;
  const destination: FailedAsyncEvent[] = [];

  beforeAll(async () => {
    const image = await runtimeImage();
    const taskDir = writeTaskDir({
      'events.py': 'def handler(event, context):\n    if event.get("fail"):\n        raise RuntimeError("failed on purpose")\n    return {"ok": True}\n',
    });
    ({ emulator, logs } = testEmulator(launchSpec(image, taskDir, 'events.handler', { functionName: 'events' }), { maxEnvironments: 2 }));
    queue = new AsyncInvocationQueue({
      invoker: emulator, concurrency: 2, maxPending: 500, retryDelaysMs: [50, 100],
      onFailure: { description: 'a test destination', send: async (failed) => void destination.push(failed) },
    });
    endpoint = await new InvokeEndpoint({ functions: [emulator], asyncQueues: new Map([['events', queue]]) }).start();
  });
  afterAll(async () => {
    await endpoint?.stop();
    queue?.stop();
    await emulator?.stop();
  });

  test('2,000 Event invokes: each is run once (202) or refused (429 TooManyRequestsException); none dropped', async () => {
    // All at once, over 50 connections (a client with a connection pool, as the SDKs have).
    const agent = new Agent({ connections: 50 });
    const answers = await Promise.all(Array.from({ length: 2000 }, async (_, n) => {
      const response = await request(endpoint.invocationsUrl(), {
        method: 'POST', headers: { 'x-amz-invocation-type': 'Event' }, body: JSON.stringify({ n }), dispatcher: agent,
      });
      await response.body.text();
      return { status: response.statusCode, requestId: String(response.headers['x-amzn-requestid']), errorType: response.headers['x-amzn-errortype'] };
    }));
    await agent.close();
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(accepted.length + refused.length).toBe(2000);
    for (const answer of refused) expect(answer.errorType).toBe('TooManyRequestsException');
    await queue.idle();
    // Every accepted event ran exactly once, under the request id the 202 gave.
    const started = logs.filter((line) => line.startsWith('START RequestId: ')).map((line) => line.split(' ')[2]);
    expect(new Set(started).size).toBe(started.length);
    expect(new Set(started)).toEqual(new Set(accepted.map((answer) => answer.requestId)));
    expect(queue.stats).toMatchObject({ accepted: accepted.length, refused: refused.length, succeeded: accepted.length, pending: 0 });
  });

  test('an Event whose function raises is tried three times under one request id, then goes to the destination', async () => {
    const response = await fetch(endpoint.invocationsUrl(), { method: 'POST', headers: { 'x-amz-invocation-type': 'Event' }, body: '{"fail":true}' });
    expect(response.status).toBe(202);
    const requestId = response.headers.get('x-amzn-requestid')!;
    await queue.idle();
    expect(logs.filter((line) => line === `START RequestId: ${requestId} Version: $LATEST`)).toHaveLength(3);
    expect(destination).toEqual([expect.objectContaining({ requestId, attempts: 3, errorType: 'RuntimeError', errorMessage: 'failed on purpose' })]);
    expect(JSON.parse(destination[0].payload.toString())).toEqual({ fail: true });
  });
});

describe('SNS -> analysis in the local stack: a raising function is retried twice, then dead-lettered in moto', () => {
  let stack: LocalStack | undefined;
  const lines: string[] = [];
  const failures: FailedAsyncEvent[] = [];

  beforeAll(async () => {
    await runtimeImage();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raising-analysis-'));
    fs.writeFileSync(path.join(dir, 'handler.py'), [
      'def lambda_handler(event, context):',
      '    if "Records" in event:',
      '        raise RuntimeError("cannot analyse " + event["Records"][0]["Sns"]["Message"])',
      '    return {"status": "ignored"}',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), '');
    const spec: FunctionSpec = {
      name: 'analysis', description: 'raises on every SNS message (test fixture)', sourceDir: dir, packaging: 'zip',
      runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler', memoryMb: 256, timeoutSeconds: 10,
      trigger: { kind: 'sns' },
    };
    stack = await startLocalStack({
      baseChoice: 'standin', log: (line) => lines.push(line), specs: [spec], invokePort: 0,
      asyncRetryDelaysMs: [100, 200], onAsyncFailure: (failed) => failures.push(failed),
    });
    if (!stack.passed) throw new Error(`the fixture did not verify:\n${lines.join('\n')}`);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('three attempts, one record in the SQS queue, and the log says where it went', async () => {
    const localAws = stack!.verify.localAws!;
    const messageId = await publishToTopic(localAws.moto.endpoint, localAws.seeded.topicArn, 'article-42');
    await stack!.settled();

    expect(stack!.triggerRuns).toHaveLength(3);
    expect(new Set(stack!.triggerRuns.map((run) => run.result.requestId)).size).toBe(1);
    expect(stack!.triggerRuns.every((run) => !run.result.ok && run.messageIds[0] === messageId)).toBe(true);

    const queueUrl = stack!.deadLetterQueueUrls.analysis;
    expect(queueUrl).toMatch(/local-sentiment-analysis-dlq$/);
    const messages = await queueMessages(localAws.moto.endpoint, queueUrl);
    expect(messages).toHaveLength(1);
    // A dead-letter queue message: the event as body, the request id and error as attributes.
    expect(JSON.parse(messages[0].body)).toMatchObject({ Records: [{ EventSource: 'aws:sns', Sns: { MessageId: messageId, Message: 'article-42' } }] });
    expect(messages[0].attributes).toEqual({
      RequestID: stack!.triggerRuns[0].result.requestId, ErrorCode: '200', ErrorMessage: 'cannot analyse article-42',
    });
    expect(failures).toEqual([expect.objectContaining({ functionName: 'analysis', attempts: 3, deadLettered: true })]);
    // What `npm run emulate` prints (its log is this log): the retries and the dead-lettering.
    expect(lines.filter((line) => /\[async\] analysis: .* retry [12] of 2/.test(line))).toHaveLength(2);
    expect(lines.some((line) => /\[async\] analysis: .* failed 3 time\(s\) \(RuntimeError: cannot analyse article-42\); sent to SQS queue local-sentiment-analysis-dlq/.test(line))).toBe(true);
  });
});
