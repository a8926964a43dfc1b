/**
 * Verifies a set of functions in one run: resolves each runtime base once, starts the local AWS
 * session when a function needs it, runs the per-function gate, writes the reports and records
 * the catalog functions' artifacts in the manifest.
 */
import * as path from 'node:path';
import { REPO_ROOT } from '../../lambdas/catalog';
import { FunctionSpec, TestEvent, hasDeadLetterQueue } from '../../lambdas/function-spec';
import { RuntimeBase } from '../build/artifact';
import { FunctionUrlAccess } from '../emulator/function-url-authorization';
import { ProgressLog } from '../build/progress';
import { RequirementsMode } from '../build/requirements';
import { BaseChoice, resolveRuntimeBase } from '../images/runtime-base';
import { ManifestEntry, choicesFor, manifestSbom, writeManifestEntries } from '../manifest';
import { verifiedConfiguration } from '../deploy-gate/verified-configuration';
import { NewsApiArticle } from '../local-aws/fake-newsapi';
import { VerifyReport } from '../suite/check-result';
import { LocalAwsSession, startLocalAwsSession } from './local-aws-session';
import { VerifiedFunction, verifyFunction } from './verify-function';

export interface VerifyRunProps {
  readonly specs: readonly FunctionSpec[];
  readonly baseChoice: BaseChoice;
  readonly log: ProgressLog;
  /** @default false */
  readonly force?: boolean;
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
  const localAws = needsAws
    ? await startLocalAwsSession({ log: props.log, withModel: needsModel, articles: props.articles, dashboardApiKey: props.dashboardApiKey, deadLetterQueuesFor })
    : undefined;

  const verified: VerifiedFunction[] = [];
  const stop = async () => {
    await Promise.allSettled(verified.map((v) => v.served?.stop()));
    await localAws?.stop();
  };
  try {
    for (const spec of props.specs) {
      const base = await baseFor(spec);
      props.log(`[verify] ${spec.name}: ${spec.packaging} ${spec.runtime}/${spec.architecture} on ${base.description}`);
      verified.push(await verifyFunction({
        spec,
        base,
        log: props.log,
        localAws,
        force: props.force,
        requirements: props.requirements,
        bootDespiteInspection: props.bootDespiteInspection,
        keepServing: props.keepServing,
        urlPort: props.urlPorts?.[spec.name],
        urlAccess: props.urlAccess?.[spec.name],
        maxEnvironments: props.maxEnvironments,
        events: props.events,
        onFunctionLog: props.onFunctionLog ? (line) => props.onFunctionLog!(spec.name, line) : undefined,
      }));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const functions = verified.map((v) => v.report);
  const report: VerifyReport = {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    passed: functions.length > 0 && functions.every((f) => f.passed),
    functions,
  };
  if (props.recordManifest ?? true) writeManifestEntries(manifestEntries(verified, props.specs, report.startedAt));
  return { report, verified, localAws, stop };
}

function manifestEntries(verified: readonly VerifiedFunction[], specs: readonly FunctionSpec[], at: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  verified.forEach((v, index) => {
    const spec = specs[index];
    // Ad-hoc `--dir` functions are not deployable: only catalog functions enter the manifest.
    if (!v.artifact || path.isAbsolute(spec.sourceDir)) return;
    const verification = {
      passed: v.report.passed,
      at,
      checks: v.report.checks.length,
      failed: v.report.checks.filter((c) => !c.passed).length,
      base: v.report.base,
    };
    const common = {
      functionName: spec.name,
      contentHash: v.artifact.contentHash,
      runtime: spec.runtime,
      architecture: spec.architecture,
      verification,
      configuration: verifiedConfiguration(spec, v.artifact.base.imageId),
      choices: choicesFor(spec.name),
      sbom: manifestSbom(v.artifact.sbom),
    };
    entries.push(v.artifact.kind === 'zip'
      ? { ...common, kind: 'zip', zipPath: path.relative(REPO_ROOT, v.artifact.zipPath), sha256: v.artifact.sha256, bytes: v.artifact.bytes }
      : { ...common, kind: 'image', tag: v.artifact.tag, imageId: v.artifact.imageId, bytes: v.artifact.bytes });
  });
  return entries;
}
