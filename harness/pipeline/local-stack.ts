/**
 * The whole sentiment analyzer on one machine: every catalog function verified and kept served,
 * the invoke endpoint, the local AWS server, and the triggers wired as the stacks wire them in
 * AWS (schedule -> ingestion, SNS -> analysis, Function URL -> dashboard).
 */
import { CATALOG } from '../../lambdas/catalog';
import { FunctionSpec } from '../../lambdas/function-spec';
import { ProgressLog } from '../build/progress';
import { InvokeResult } from '../emulator/invoke-result';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { BaseChoice } from '../images/runtime-base';
import { NewsApiArticle } from '../local-aws/fake-newsapi';
import { SnsHttpBridge, startSnsHttpBridge } from '../local-aws/sns-http-bridge';
import { EngineName, ServedFunction } from './served-function';
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
  readonly dashboardUrl?: string;
  readonly dashboardApiKey: string;
  /** Every analysis invoke the SNS subscription made, in completion order. */
  readonly analysisRuns: readonly AnalysisRun[];
  /** Runs ingestion once, as its schedule would. */
  runIngestion(): Promise<InvokeResult>;
  /** Waits until every SNS delivery in flight has been handled by analysis. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(props: LocalStackProps): Promise<LocalStack> {
  const dashboardApiKey = props.dashboardApiKey ?? `local-${Math.random().toString(36).slice(2, 14)}`;
  const verify = await runVerify({
    specs: props.specs ?? CATALOG,
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
    return { ...base, passed: false, runIngestion: () => Promise.reject(new Error('verification failed')), settled: async () => undefined, stop: verify.stop };
  }

  const stops: (() => Promise<void>)[] = [];
  try {
    const invokeEndpoint = await new InvokeEndpoint({
      functions: Object.values(functions).map((served) => served.emulator),
      port: props.invokePort ?? 9000,
    }).start();
    stops.push(() => invokeEndpoint.stop());

    const localAws = verify.localAws!;
    localAws.newsApi.setArticles(props.articles ?? []);
    const analysis = functions.analysis;
    let snsBridge: SnsHttpBridge | undefined;
    if (analysis) {
      // What the stacks' SNS subscription does in AWS: one analysis invoke per notification.
      snsBridge = await startSnsHttpBridge({
        endpoint: localAws.moto.endpoint,
        topicArn: localAws.seeded.topicArn,
        log: (line) => props.log(`[sns] ${line}`),
        onEvent: async (event) => {
          const result = await analysis.emulator.invokeJson(event);
          analysisRuns.push({ messageIds: event.Records.map((r) => r.Sns.MessageId), result });
          if (!result.ok) throw new Error(`analysis failed: ${result.errorType}: ${result.errorMessage}`);
        },
      });
      stops.push(() => snsBridge!.stop());
    }
    const ingestion = functions.ingestion;
    return {
      ...base,
      passed: true,
      invokeEndpoint,
      snsBridge,
      dashboardUrl: functions.dashboard?.url,
      runIngestion: () => {
        if (!ingestion) return Promise.reject(new Error('ingestion is not served'));
        // The shape of an EventBridge scheduled event, as the stacks' schedule sends it.
        return ingestion.emulator.invokeJson({
          version: '0', id: `local-${Date.now()}`, 'detail-type': 'Scheduled Event', source: 'aws.events',
          account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {},
        });
      },
      settled: async () => {
        await snsBridge?.idle();
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
