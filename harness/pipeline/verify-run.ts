/**
 * Verifies a set of functions in one run: resolves each runtime base once, starts the local AWS
 * session when a function needs it, runs the per-function gate (up to `jobs` functions at once,
 * every progress line prefixed with its function's name), writes the reports and records the
 * catalog functions' artifacts in the manifest. Results keep the order of `specs` whatever order
 * the functions finish in, so a parallel run reports and records exactly what a sequential one does.
 */
import * as os from 'node:os';
import { FunctionSpec, TestEvent, hasDeadLetterQueue } from '../../model/function-spec';
import { RuntimeBase } from '../build/artifact';
import { FunctionUrlAccess } from '../emulator/function-url-authorization';
import { ProgressLog } from '../build/progress';
import { RequirementsMode } from '../build/requirements';
import { BaseChoice, resolveRuntimeBase } from '../images/runtime-base';
import { ManifestEntry, writeManifestEntries } from '../../model/manifest';
import { NewsApiArticle } from '../local-aws/fake-newsapi';
import { verifyReport, VerifyReport } from '../suite/check-result';
import { LocalAwsSession, startLocalAwsSession } from './local-aws-session';
import { VerifiedFunction, verifyFunction } from './verify-function';
import { EngineName } from './served-function';
import { isDeployable, manifestEntry } from './manifest-entry';

export interface VerifyRunProps {
  /** Which engine boots the functions (`--engine`). @default 'emulator' */
  readonly engine?: EngineName;
  readonly specs: readonly FunctionSpec[];
  readonly baseChoice: BaseChoice;
  readonly log: ProgressLog;
  /** Rebuild, re-inspect and re-run the import smoke even when cached. @default false */
  readonly force?: boolean;
  /** Functions verified at once (`--jobs`). @default defaultJobs() */
  readonly jobs?: number;
  /** Where artifacts and caches live. @default `<repo>/.work` */
  readonly workDir?: string;
  /** @default 'install' */
  readonly requirements?: RequirementsMode;
  /** @default false */
  readonly bootDespiteInspection?: boolean;
  /** Leave every function served (emulate). @default false */
  readonly keepServing?: boolean;
  /** Function URL front port per function name when kept serving. @default ephemeral */
  readonly urlPorts?: Readonly<Record<string, number>>;
  /** Per function name: the deployed URL's verdict for anonymous callers (emulate). @default allowed */
  readonly urlAccess?: Readonly<Record<string, FunctionUrlAccess>>;
  /** Most execution environments per function. @default 10 */
  readonly maxEnvironments?: number;
  /** Record passing and failing artifacts in the manifest (catalog functions only). @default true */
  readonly recordManifest?: boolean;
  /** Articles the NewsAPI mock serves. @default [] */
  readonly articles?: readonly (NewsApiArticle | Record<string, unknown>)[];
  /** Value of the dashboard's API key secret. @default random */
  readonly dashboardApiKey?: string;
  /** @default discarded */
  readonly onFunctionLog?: (functionName: string, line: string) => void;
  /** Extra test events (`--event`), for a run of one function. @default [] */
  readonly events?: readonly TestEvent[];
}

export interface VerifyRun {
  readonly report: VerifyReport;
  readonly verified: readonly VerifiedFunction[];
  readonly localAws?: LocalAwsSession;
  /** Stops everything still served and the local AWS session. */
  stop(): Promise<void>;
}

export async function runVerify(props: VerifyRunProps): Promise<VerifyRun> {
  const started = Date.now();
  const bases = new Map<string, Promise<RuntimeBase>>();
  const baseFor = (spec: FunctionSpec) => {
    const key = `${spec.runtime}/${spec.architecture}`;
    if (!bases.has(key)) bases.set(key, resolveRuntimeBase(spec.runtime, spec.architecture, props.baseChoice, props.log));
    return bases.get(key)!;
  };

  const deadLetterQueuesFor = props.specs.filter(hasDeadLetterQueue).map((spec) => spec.name);
  const needsAws = deadLetterQueuesFor.length > 0 ||
    props.specs.some((spec) => Object.values(spec.environment ?? {}).some((value) => typeof value !== 'string'));
  const needsModel = props.specs.some((spec) => (spec.uses?.modelBucket ?? []).length > 0);
  // Started now, awaited by each function after its build: moto and the builds overlap.
  const localAwsStart = needsAws
    ? startLocalAwsSession({ log: props.log, withModel: needsModel, articles: props.articles, dashboardApiKey: props.dashboardApiKey, deadLetterQueuesFor })
    : Promise.resolve(undefined);
  localAwsStart.catch(() => undefined);

  const jobs = validJobs(props.jobs ?? defaultJobs());
  const width = Math.max(...props.specs.map((spec) => spec.name.length));
  // Filled by spec index, so the report's order never depends on which function finished first.
  const outcomes: PromiseSettledResult<VerifiedFunction>[] = [];
  const verified: VerifiedFunction[] = [];
  const stop = async () => {
    const served = outcomes.flatMap((outcome) => (outcome?.status === 'fulfilled' ? [outcome.value] : []));
    await Promise.allSettled(served.map((v) => v.served?.stop()));
    await (await localAwsStart.catch(() => undefined))?.stop();
  };
  if (jobs > 1 && props.specs.length > 1) props.log(`[verify] ${props.specs.length} functions, ${Math.min(jobs, props.specs.length)} at a time (--jobs)`);
  await forEachConcurrently(props.specs, jobs, async (spec, index) => {
    const log = functionLog(props.log, spec.name, width);
    try {
      const base = await baseFor(spec);
      log(`[verify] ${spec.packaging} ${spec.runtime}/${spec.architecture} on ${base.description}`);
      outcomes[index] = { status: 'fulfilled', value: await verifyFunction({
        spec,
        base,
        log,
        localAws: localAwsStart,
        force: props.force,
        workDir: props.workDir,
        requirements: props.requirements,
        bootDespiteInspection: props.bootDespiteInspection,
        keepServing: props.keepServing,
        urlPort: props.urlPorts?.[spec.name],
        urlAccess: props.urlAccess?.[spec.name],
        maxEnvironments: props.maxEnvironments,
        engine: props.engine,
        events: props.events,
        onFunctionLog: props.onFunctionLog ? (line) => props.onFunctionLog!(spec.name, line) : undefined,
      }) };
    } catch (error) {
      outcomes[index] = { status: 'rejected', reason: error };
    }
  });
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  for (const outcome of outcomes) if (outcome.status === 'fulfilled') verified.push(outcome.value);
  const localAws = await localAwsStart;

  const functions = verified.map((v) => v.report);
  const report = verifyReport(new Date(started).toISOString(), Date.now() - started, functions);
  if (props.recordManifest ?? true) writeManifestEntries(manifestEntries(verified, props.specs, report.startedAt));
  return { report, verified, localAws, stop };
}

function manifestEntries(verified: readonly VerifiedFunction[], specs: readonly FunctionSpec[], at: string): ManifestEntry[] {
  return verified.flatMap((v, index) => (v.artifact && isDeployable(specs[index]) ? [manifestEntry(specs[index], v.report, v.artifact, at)] : []));
}

/** `--jobs` default: one function per core (builds, pip and containers are CPU-bound), at least 1. */
export function defaultJobs(cpus: number = os.availableParallelism?.() ?? os.cpus().length): number {
  return Math.max(1, cpus);
}

function validJobs(jobs: number): number {
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be an integer >= 1 (functions verified at once), got ${jobs}.`);
  return jobs;
}

/** Every line of one function's progress, prefixed with its name (aligned), so parallel output reads. */
export function functionLog(log: ProgressLog, functionName: string, width = functionName.length): ProgressLog {
  const label = `${functionName.padEnd(width)} | `;
  return (line) => log(`${label}${line}`);
}

/** Runs `work` on every item, at most `limit` at a time; resolves when all have finished. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
