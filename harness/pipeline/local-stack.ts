/**
 * The whole sentiment analyzer on one machine: every catalog function verified and kept served,
 * the invoke endpoint, the local AWS server, and the triggers wired as the stacks wire them in
 * AWS (schedule -> ingestion, SNS -> analysis, Function URL -> dashboard).
 */
import { CATALOG } from '../../lambdas/catalog';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../lambdas/local-aws-account';
import { FunctionSpec, hasDeadLetterQueue } from '../../lambdas/function-spec';
import { ProgressLog } from '../build/progress';
import { AsyncInvocationQueue, FailedAsyncEvent } from '../emulator/async-invocation-queue';
import { InvokeResult } from '../emulator/invoke-result';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { sqsDeadLetterQueue } from '../local-aws/sqs-dead-letter-queue';
import { BaseChoice } from '../images/runtime-base';
import { NewsApiArticle } from '../local-aws/fake-newsapi';
import { SnsHttpBridge, startSnsHttpBridge } from '../local-aws/sns-http-bridge';
import { FunctionUrlAccess } from '../emulator/function-url-authorization';
import { EngineName, ServedFunction } from './served-function';
import { synthesizedUrlAccess } from './stack-url-access';
import { runVerify, VerifyRun } from './verify-run';

export interface LocalStackProps {
  readonly baseChoice: BaseChoice;
  readonly log: ProgressLog;
  /** Articles the NewsAPI mock serves. @default [] */
  readonly articles?: readonly (NewsApiArticle | Record<string, unknown>)[];
  /** @default random */
  readonly dashboardApiKey?: string;
  /** Port of the invoke endpoint. @default 9000, as in the AWS docs' curl example */
  readonly invokePort?: number;
  /** Port of the dashboard's Function URL front. @default ephemeral */
  readonly dashboardPort?: number;
  /** @default false */
  readonly force?: boolean;
  /** Most execution environments per function. @default 10 */
  readonly maxEnvironments?: number;
  /** Which engine boots the functions (`--engine`). @default 'emulator' */
  readonly engine?: EngineName;
  /** @default discarded */
  readonly onFunctionLog?: (functionName: string, line: string) => void;
  /** @default the catalog */
  readonly specs?: readonly FunctionSpec[];
  /** Per function: what its deployed URL answers anonymous callers. @default judged from the synthesized preprod stack */
  readonly urlAccess?: Readonly<Record<string, FunctionUrlAccess>>;
  /**
   * Delays before the retries of a failed asynchronous event (SNS, schedule, `Event` invokes).
   * @default Lambda's: 60 s, then 120 s (AWS_ASYNC_RETRY_DELAYS_MS)
   */
  readonly asyncRetryDelaysMs?: readonly number[];
  /** Told about each asynchronous event that failed all its attempts (the queues also log it). @default none */
  readonly onAsyncFailure?: (failed: FailedAsyncEvent & { readonly deadLettered: boolean }) => void;
}

export interface AnalysisRun {
  readonly messageIds: readonly string[];
  readonly result: InvokeResult;
}

export interface LocalStack {
  readonly verify: VerifyRun;
  /** True when every function passed its suite; nothing else is started otherwise. */
  readonly passed: boolean;
  readonly functions: Readonly<Record<string, ServedFunction>>;
  readonly invokeEndpoint?: InvokeEndpoint;
  readonly snsBridge?: SnsHttpBridge;
  /** Each function's asynchronous queue (SNS, schedule and `Event` invokes go through it). */
  readonly asyncQueues: ReadonlyMap<string, AsyncInvocationQueue>;
  /** Queue URL of each function's on-failure destination in the local AWS server. */
  readonly deadLetterQueueUrls: Readonly<Record<string, string>>;
  readonly dashboardUrl?: string;
  readonly dashboardApiKey: string;
  /** Every analysis invoke the SNS subscription made, in completion order. */
  readonly analysisRuns: readonly AnalysisRun[];
  /** Runs ingestion once, as its schedule would (an asynchronous event: retried on failure). */
  runIngestion(): Promise<InvokeResult>;
  /** Waits until every SNS delivery in flight has been handled by analysis (retries and dead-lettering included). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(props: LocalStackProps): Promise<LocalStack> {
  const dashboardApiKey = props.dashboardApiKey ?? `local-${Math.random().toString(36).slice(2, 14)}`;
  const specs = props.specs ?? CATALOG;
  // Each Function URL answers as the deployed one would: 403 when the stack's permissions refuse.
  const urlAccess = props.urlAccess ?? synthesizedUrlAccess(specs);
  for (const [name, access] of Object.entries(urlAccess)) {
    if (!access.allowed) props.log(`[emulate] ${name}: its Function URL answers 403 AccessDeniedException, as AWS would: ${access.reason}`);
  }
  const verify = await runVerify({
    specs,
    urlAccess,
    baseChoice: props.baseChoice,
    log: props.log,
    force: props.force,
    keepServing: true,
    maxEnvironments: props.maxEnvironments,
    engine: props.engine,
    urlPorts: props.dashboardPort !== undefined ? { dashboard: props.dashboardPort } : undefined,
    // Verify's boot check runs ingestion's scheduled event: against no articles, as `npm run verify`
    // does, so the articles are new (and reach analysis over SNS) on the stack's first ingestion.
    articles: [],
    dashboardApiKey,
    onFunctionLog: props.onFunctionLog,
  });
  const functions: Record<string, ServedFunction> = {};
  for (const v of verify.verified) if (v.served) functions[v.report.name] = v.served;
  const analysisRuns: AnalysisRun[] = [];
  const base = {
    verify,
    functions,
    dashboardApiKey,
    analysisRuns,
  };
  if (!verify.report.passed) {
    return { ...base, passed: false, asyncQueues: new Map(), deadLetterQueueUrls: {}, runIngestion: () => Promise.reject(new Error('verification failed')), settled: async () => undefined, stop: verify.stop };
  }

  const stops: (() => Promise<void>)[] = [];
  const localAws = verify.localAws;
  const deadLetterQueueUrls = localAws?.seeded.deadLetterQueueUrls ?? {};
  // One asynchronous queue per function, as Lambda has: its SNS / schedule / Event invokes, its
  // retries, its on-failure destination (the catalog's onFailure, an SQS queue in moto).
  const asyncQueues = new Map<string, AsyncInvocationQueue>();
  for (const [name, served] of Object.entries(functions)) {
    const queueUrl = deadLetterQueueUrls[name];
    asyncQueues.set(name, new AsyncInvocationQueue({
      invoker: served.emulator,
      concurrency: served.emulator.concurrencyLimit,
      retryDelaysMs: props.asyncRetryDelaysMs,
      onFailure: hasDeadLetterQueue(served.spec) && queueUrl && localAws
        ? sqsDeadLetterQueue({ endpoint: localAws.moto.endpoint, queueUrl })
        : undefined,
      log: (line) => props.log(line),
      onAttempt: name === 'analysis' ? (result, _attempt, payload) => analysisRuns.push({ messageIds: snsMessageIds(payload), result }) : undefined,
    }));
  }
  const failuresReported = new Set<AsyncInvocationQueue['failures'][number]>();
  const reportFailures = () => {
    for (const queue of asyncQueues.values()) {
      for (const failure of queue.failures) {
        if (failuresReported.has(failure)) continue;
        failuresReported.add(failure);
        props.onAsyncFailure?.(failure);
      }
    }
  };
  stops.push(async () => asyncQueues.forEach((queue) => queue.stop()));
  try {
    const invokeEndpoint = await new InvokeEndpoint({
      functions: Object.values(functions).map((served) => served.emulator),
      port: props.invokePort ?? 9000,
      asyncQueues,
    }).start();
    stops.push(() => invokeEndpoint.stop());

    localAws?.newsApi.setArticles(props.articles ?? []);
    const analysisQueue = asyncQueues.get('analysis');
    let snsBridge: SnsHttpBridge | undefined;
    if (analysisQueue && localAws) {
      // What the stacks' SNS subscription does in AWS: an asynchronous analysis invoke per notification.
      snsBridge = await startSnsHttpBridge({
        endpoint: localAws.moto.endpoint,
        topicArn: localAws.seeded.topicArn,
        log: (line) => props.log(`[sns] ${line}`),
        onEvent: async (event) => {
          const { outcome } = analysisQueue.submit(Buffer.from(JSON.stringify(event)));
          void outcome.then(reportFailures);
        },
      });
      stops.push(() => snsBridge!.stop());
    }
    const ingestionQueue = asyncQueues.get('ingestion');
    return {
      ...base,
      passed: true,
      invokeEndpoint,
      snsBridge,
      asyncQueues,
      deadLetterQueueUrls,
      dashboardUrl: functions.dashboard?.url,
      runIngestion: async () => {
        if (!ingestionQueue) throw new Error('ingestion is not served');
        // The shape of an EventBridge scheduled event; the schedule invokes asynchronously.
        const { outcome } = ingestionQueue.submit(Buffer.from(JSON.stringify({
          version: '0', id: `local-${Date.now()}`, 'detail-type': 'Scheduled Event', source: 'aws.events',
          account: LOCAL_ACCOUNT_ID, time: new Date().toISOString(), region: LOCAL_REGION, resources: [], detail: {},
        })));
        const ended = await outcome;
        reportFailures();
        if (!ended.lastResult) throw new Error(`ingestion was not run (${ended.status})`);
        return ended.lastResult;
      },
      settled: async () => {
        await snsBridge?.idle();
        await analysisQueue?.idle();
        reportFailures();
      },
      stop: async () => {
        await Promise.allSettled(stops.reverse().map((stop) => stop()));
        await verify.stop();
      },
    };
  } catch (error) {
    await Promise.allSettled(stops.map((stop) => stop()));
    await verify.stop();
    throw error;
  }
}

/** The SNS message ids in an analysis event (none when it is not an SNS event). */
function snsMessageIds(payload: Buffer): string[] {
  try {
    const event = JSON.parse(payload.toString('utf8')) as { Records?: { Sns?: { MessageId?: string } }[] };
    return (event.Records ?? []).map((record) => record.Sns?.MessageId ?? '').filter(Boolean);
  } catch {
    return [];
  }
}
