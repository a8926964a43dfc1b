/**
 * The whole sentiment analyzer on one machine: every catalog function verified and kept served,
 * the invoke endpoint, the local AWS server, and each function wired by its declaration, exactly
 * as the stacks wire it in AWS: `trigger: schedule` runs on the schedule, `trigger: sns` is
 * subscribed to the topic, `url` gets a Function URL front. No function is wired by its name.
 */
import { randomUUID } from 'node:crypto';
import { machineCatalog } from '../machine-catalog';
import { SCHEDULED_EVENT } from '../../lambdas/test-events';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../model/local-aws-account';
import { FunctionSpec, TriggerSpec, hasDeadLetterQueue } from '../../model/function-spec';
import { ProgressLog } from '../build/progress';
import { AsyncInvocationQueue, FailedAsyncEvent } from '../emulator/async-invocation-queue';
import { InvokeResult } from '../emulator/invoke-result';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { sqsDeadLetterQueue } from '../local-aws/sqs-dead-letter-queue';
import { BaseChoice } from '../images/runtime-base';
import { NewsApiArticle } from '../local-aws/fake-newsapi';
import { SnsHttpBridge, startSnsHttpBridge } from '../local-aws/sns-http-bridge';
import { FunctionUrlAccess } from '../emulator/function-url-authorization';
import { EngineName, ServedFunction, startFunctionUrlFront } from './served-function';
import { SwitchableInvoker } from './watch-swap';
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
  /** Port of the first Function URL front; the next functions with a URL take the ports after it, in catalog order. @default ephemeral */
  readonly urlPort?: number;
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
  /** Per function: what its deployed URL answers anonymous callers (`emulate` judges the synthesized preprod stack: deploy/stack-url-access.ts). @default every URL allowed */
  readonly urlAccess?: Readonly<Record<string, FunctionUrlAccess>>;
  /**
   * Delays before the retries of a failed asynchronous event (SNS, schedule, `Event` invokes).
   * @default Lambda's: 60 s, then 120 s (AWS_ASYNC_RETRY_DELAYS_MS)
   */
  readonly asyncRetryDelaysMs?: readonly number[];
  /** Told about each asynchronous event that failed all its attempts (the queues also log it). @default none */
  readonly onAsyncFailure?: (failed: FailedAsyncEvent & { readonly deadLettered: boolean }) => void;
  /**
   * Versions will be swapped in while serving (`emulate --watch`): the URL ports belong to fronts
   * on the switchable invokers instead of the verified versions' own fronts. @default false
   */
  readonly swappable?: boolean;
}

/** One invoke a trigger made (an attempt: a retried event appears once per attempt). */
export interface TriggerRun {
  readonly functionName: string;
  readonly trigger: TriggerSpec['kind'];
  /** The SNS message ids the event carried (none for a schedule). */
  readonly messageIds: readonly string[];
  readonly result: InvokeResult;
}

export interface LocalStack {
  readonly verify: VerifyRun;
  /** True when every function passed its suite; nothing else is started otherwise. */
  readonly passed: boolean;
  readonly functions: Readonly<Record<string, ServedFunction>>;
  /** What every front holds per function (invoke endpoint, dashboard URL, SNS, schedule): swap versions here. */
  readonly invokers: Readonly<Record<string, SwitchableInvoker>>;
  /** Per function: what its Function URL answers anonymous callers (as verified). */
  readonly urlAccess: Readonly<Record<string, FunctionUrlAccess>>;
  readonly invokeEndpoint?: InvokeEndpoint;
  /** One per SNS-triggered function, as the stacks create one subscription per function. */
  readonly snsBridges?: readonly SnsHttpBridge[];
  /** Each function's asynchronous queue (SNS, schedule and `Event` invokes go through it). */
  readonly asyncQueues: ReadonlyMap<string, AsyncInvocationQueue>;
  /** Queue URL of each function's on-failure destination in the local AWS server. */
  readonly deadLetterQueueUrls: Readonly<Record<string, string>>;
  /** `http://127.0.0.1:<port>/` of each function that has a Function URL. */
  readonly urls: Readonly<Record<string, string>>;
  readonly dashboardApiKey: string;
  /** Every invoke a schedule or an SNS subscription made, in completion order. */
  readonly triggerRuns: readonly TriggerRun[];
  /** Runs every scheduled function once, as its schedule would (asynchronous events: retried on failure); their last attempts. */
  runSchedules(): Promise<readonly TriggerRun[]>;
  /** Waits until every SNS delivery in flight has been handled (retries and dead-lettering included). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(props: LocalStackProps): Promise<LocalStack> {
  const dashboardApiKey = props.dashboardApiKey ?? `local-${Math.random().toString(36).slice(2, 14)}`;
  const specs = props.specs ?? machineCatalog();
  // Each Function URL answers as the deployed one would: 403 when the stack's permissions refuse.
  const urlAccess = props.urlAccess ?? {};
  for (const [name, access] of Object.entries(urlAccess)) {
    if (!access.allowed) props.log(`[emulate] ${name}: its Function URL answers 403 AccessDeniedException, as AWS would: ${access.reason}`);
  }
  // Function URL ports in catalog order, as `emulate --url-port` promises.
  const urlPorts: Record<string, number> | undefined = props.urlPort === undefined ? undefined
    : Object.fromEntries(specs.filter((spec) => spec.url).map((spec, index) => [spec.name, props.urlPort! + index]));
  const verify = await runVerify({
    specs,
    urlAccess,
    baseChoice: props.baseChoice,
    log: props.log,
    force: props.force,
    keepServing: true,
    maxEnvironments: props.maxEnvironments,
    engine: props.engine,
    urlPorts: props.swappable ? undefined : urlPorts,
    // Verify's boot check runs ingestion's scheduled event: against no articles, as `npm run verify`
    // does, so the articles are new (and reach analysis over SNS) on the stack's first ingestion.
    articles: [],
    dashboardApiKey,
    onFunctionLog: props.onFunctionLog,
  });
  const functions: Record<string, ServedFunction> = {};
  const invokers: Record<string, SwitchableInvoker> = {};
  for (const v of verify.verified) {
    if (!v.served) continue;
    functions[v.report.name] = v.served;
    invokers[v.report.name] = new SwitchableInvoker(v.served);
  }
  const triggerRuns: TriggerRun[] = [];
  const base = {
    verify,
    functions,
    invokers,
    urlAccess,
    dashboardApiKey,
    triggerRuns,
  };
  if (!verify.report.passed) {
    return { ...base, passed: false, urls: {}, asyncQueues: new Map(), deadLetterQueueUrls: {}, runSchedules: () => Promise.reject(new Error('verification failed')), settled: async () => undefined, stop: verify.stop };
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
      invoker: invokers[name],
      concurrency: served.emulator.concurrencyLimit,
      retryDelaysMs: props.asyncRetryDelaysMs,
      onFailure: hasDeadLetterQueue(served.spec) && queueUrl && localAws
        ? sqsDeadLetterQueue({ endpoint: localAws.moto.endpoint, queueUrl })
        : undefined,
      log: (line) => props.log(line),
      onAttempt: served.spec.trigger
        ? (result, _attempt, payload) => triggerRuns.push({ functionName: name, trigger: served.spec.trigger!.kind, messageIds: snsMessageIds(payload), result })
        : undefined,
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
  // Versions swapped in later are stopped through their invoker (the first ones by verify.stop too).
  stops.push(async () => { await Promise.allSettled(Object.values(invokers).map((invoker) => invoker.stop())); });
  try {
    const urls: Record<string, string> = {};
    for (const [name, served] of Object.entries(functions)) {
      if (!served.spec.url) continue;
      if (props.swappable) {
        const front = await startFunctionUrlFront(served.spec, invokers[name], { port: urlPorts?.[name], access: urlAccess[name] });
        stops.push(() => front.stop());
        urls[name] = front.url;
      } else if (served.url) {
        urls[name] = served.url;
      }
    }
    const invokeEndpoint = await new InvokeEndpoint({
      functions: Object.values(invokers),
      port: props.invokePort ?? 9000,
      asyncQueues,
    }).start();
    stops.push(() => invokeEndpoint.stop());

    localAws?.newsApi.setArticles(props.articles ?? []);
    const withTrigger = (kind: TriggerSpec['kind']) => Object.entries(functions).filter(([, served]) => served.spec.trigger?.kind === kind).map(([name]) => name);
    // What each of the stacks' SNS subscriptions does in AWS: an asynchronous invoke per notification.
    const snsBridges: SnsHttpBridge[] = [];
    for (const name of withTrigger('sns')) {
      if (!localAws) break;
      const queue = asyncQueues.get(name)!;
      const bridge = await startSnsHttpBridge({
        endpoint: localAws.moto.endpoint,
        topicArn: localAws.seeded.topicArn,
        log: (line) => props.log(`[sns -> ${name}] ${line}`),
        onEvent: async (event) => {
          const { outcome } = queue.submit(Buffer.from(JSON.stringify(event)));
          void outcome.then(reportFailures);
        },
      });
      snsBridges.push(bridge);
      stops.push(() => bridge.stop());
    }
    const runScheduled = async (name: string): Promise<TriggerRun> => {
      // AWS's documented scheduled event, as this run's rule would send it; the schedule invokes asynchronously.
      const event = {
        ...(SCHEDULED_EVENT.event as Record<string, unknown>),
        id: randomUUID(),
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        account: LOCAL_ACCOUNT_ID,
        region: LOCAL_REGION,
        resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/local-sentiment-${name}-schedule`],
      };
      const { outcome } = asyncQueues.get(name)!.submit(Buffer.from(JSON.stringify(event)));
      const ended = await outcome;
      reportFailures();
      if (!ended.lastResult) throw new Error(`${name} was not run (${ended.status})`);
      return { functionName: name, trigger: 'schedule', messageIds: [], result: ended.lastResult };
    };
    return {
      ...base,
      passed: true,
      invokeEndpoint,
      snsBridges,
      asyncQueues,
      deadLetterQueueUrls,
      urls,
      runSchedules: () => Promise.all(withTrigger('schedule').map(runScheduled)),
      settled: async () => {
        await Promise.all(snsBridges.map((bridge) => bridge.idle()));
        await Promise.all(withTrigger('sns').map((name) => asyncQueues.get(name)!.idle()));
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

/** The SNS message ids in an event (none when it is not an SNS event). */
function snsMessageIds(payload: Buffer): string[] {
  try {
    const event = JSON.parse(payload.toString('utf8')) as { Records?: { Sns?: { MessageId?: string } }[] };
    return (event.Records ?? []).map((record) => record.Sns?.MessageId ?? '').filter(Boolean);
  } catch {
    return [];
  }
}
