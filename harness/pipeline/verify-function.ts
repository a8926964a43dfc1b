/**
 * The gate for one function: build -> inspect -> boot (invoke each test event) -> health / import / smoke checks.
 * Every step lands in the report as checks; nothing is thrown away when a step fails, and a
 * failed inspection stops before anything boots (its evidence is the answer).
 */
import { FunctionSpec, resolveEnvironment, TestEvent } from '../../model/function-spec';
import { Artifact, RuntimeBase } from '../build/artifact';
import { FunctionUrlAccess } from '../emulator/function-url-authorization';
import { DEFAULT_WORK_DIR, buildArtifact } from '../build/build-artifact';
import { ProgressLog } from '../build/progress';
import { RequirementsMode } from '../build/requirements';
import { inspectCached } from '../inspect/inspection-cache';
import { formatBytes } from '../../model/byte-size';
import { inspectionCheck } from '../report/inspection-check';
import { CheckResult, functionReport, FunctionReport, timedCheck } from '../suite/check-result';
import { runImportSmokeCached } from '../suite/import-smoke';
import { applicableSmokeChecks, runHealthCheck, runSmokeCheck } from '../suite/smoke-checks';
import { runBootChecks } from './boot-check';
import { LocalAwsSession } from './local-aws-session';
import { EngineName, serveFunction, ServedFunction } from './served-function';
import { RIE_LIMITATIONS } from '../rie/rie-function';
import { SAM_CLI_VERSION } from '../rie/rie-binary';

export interface VerifyFunctionProps {
  readonly spec: FunctionSpec;
  readonly base: RuntimeBase;
  readonly log: ProgressLog;
  /** Local AWS the function's environment references resolve to (or its start, awaited after the build). @default none (then it must have none) */
  readonly localAws?: LocalAwsSession | Promise<LocalAwsSession | undefined>;
  /** Rebuild, inspect and run the import smoke even when cached. @default false */
  readonly force?: boolean;
  /** Where artifacts and caches live. @default `<repo>/.work` */
  readonly workDir?: string;
  /** ZIP requirements mode (seed reproductions). @default 'install' */
  readonly requirements?: RequirementsMode;
  /** Boot even when static inspection fails (to see the runtime's own error). @default false */
  readonly bootDespiteInspection?: boolean;
  /** Leave the function served after the checks (emulate). @default false */
  readonly keepServing?: boolean;
  /** Port of the Function URL front when kept serving. @default ephemeral */
  readonly urlPort?: number;
  /** The deployed URL's verdict for anonymous callers (synthesized stack). @default allowed */
  readonly urlAccess?: FunctionUrlAccess;
  /** Most execution environments at once (concurrent invokes beyond it queue). @default 10 */
  readonly maxEnvironments?: number;
  /** Which engine boots it (`--engine`). @default 'emulator' */
  readonly engine?: EngineName;
  /** Function log lines (output, START/END/REPORT). @default discarded */
  readonly onFunctionLog?: (line: string) => void;
  /** Test events given on the command line (`--event`), invoked after the catalog's own. @default [] */
  readonly events?: readonly TestEvent[];
}

export interface VerifiedFunction {
  readonly report: FunctionReport;
  readonly artifact?: Artifact;
  /** Present when keepServing was asked and the function booted. */
  readonly served?: ServedFunction;
}

export async function verifyFunction(props: VerifyFunctionProps): Promise<VerifiedFunction> {
  const { spec, base, log } = props;
  const checks: CheckResult[] = [];
  const prefix = `[${spec.name}]`;
  const workDir = props.workDir ?? DEFAULT_WORK_DIR;

  let artifact: Artifact | undefined;
  checks.push(await timedCheck('build', `${spec.packaging} artifact`, async () => {
    artifact = await buildArtifact(spec, { base, log, force: props.force, requirements: props.requirements, workDir });
    const size = formatBytes(artifact.bytes);
    return { passed: true, message: `${artifact.kind === 'zip' ? artifact.zipPath : artifact.tag} (${size}${artifact.cacheHit ? ', cache hit' : ''})` };
  }));
  if (!artifact) return { report: functionReport(spec.name, base.description, checks) };
  const summary = {
    kind: artifact.kind,
    hash: artifact.contentHash,
    bytes: artifact.bytes,
    reference: artifact.kind === 'zip' ? artifact.zipPath : artifact.tag,
    cacheHit: artifact.cacheHit,
    sbom: artifact.sbom,
  };
  // Awaited only now: the session starts while the artifact builds (it is needed from here on).
  const localAws = await props.localAws;
  const declared = declaredEnvironment(spec, localAws);
  // Containers also get what points boto3 at the local AWS server; inspection judges only what deploys.
  const environment = { ...localAws?.awsEnvironment, ...declared };

  log(`${prefix} inspecting ${summary.reference}`);
  const inspection = await timedCheck('inspect', 'static inspection', async () => {
    const options = {
      runtime: spec.runtime, architecture: spec.architecture, handler: spec.handler, environment: declared,
      acknowledgements: spec.acknowledgements, functionName: spec.name,
    };
    const built = artifact!;
    const inspected = await inspectCached(
      built.kind === 'zip' ? { kind: 'zip', zipPath: built.zipPath, sha256: built.sha256 } : { kind: 'image', tag: built.tag },
      options,
      { workDir, force: props.force },
    );
    // A reused verdict says so, with its date, so nobody mistakes a cache hit for a run.
    const origin = inspected.cachedAt
      ? `cached: verdict of ${inspected.cachedAt} for these bytes and this rule pack (environment rules and acknowledgements applied now)`
      : `${inspected.readNote ? `${inspected.readNote}; ` : ''}judged in ${Math.round(inspected.report.durationMs)} ms`;
    log(`${prefix} inspection: ${origin}`);
    const check = inspectionCheck(inspected.report);
    return { ...check, message: `${check.message}\n(${origin})`, cachedAt: inspected.cachedAt };
  });
  checks.push(inspection);
  if (!inspection.passed && !props.bootDespiteInspection) {
    log(`${prefix} static inspection failed: not booting it`);
    return { report: functionReport(spec.name, base.description, checks, summary), artifact };
  }

  // The import smoke is a one-off container of its own: it runs while the function boots and is
  // checked (its result is reported in the same place as before, after the health check).
  log(`${prefix} import smoke (alongside the boot)`);
  const importSmoke = runImportSmokeCached({
    image: artifact.kind === 'zip' ? artifact.base.image : artifact.tag,
    taskDir: artifact.kind === 'zip' ? artifact.unpackedDir : undefined,
    environment,
    memoryMb: spec.memoryMb,
  }, {
    workDir,
    artifactId: artifact.kind === 'zip' ? artifact.sha256 : artifact.imageId,
    baseImageId: artifact.base.imageId,
    force: props.force,
  });
  // Awaited below on every path; meanwhile a rejection must not count as unhandled.
  importSmoke.catch(() => undefined);

  log(`${prefix} booting ${summary.reference} on ${base.description}`);
  let served: ServedFunction;
  try {
    served = await serveFunction({
      spec, artifact, environment, urlPort: props.urlPort, urlAccess: props.urlAccess, maxEnvironments: props.maxEnvironments, onLog: props.onFunctionLog,
      engine: props.engine,
    });
  } catch (error) {
    await importSmoke.catch(() => undefined);
    throw error;
  }
  try {
    const events = [...(spec.events ?? []), ...(props.events ?? [])];
    log(`${prefix} boot check: ${events.length > 0 ? events.map((e) => e.name).join(', ') : 'one invoke with {} (no test event given)'}`);
    checks.push(...(await runBootChecks(served.emulator, events)));
    if (spec.url) {
      log(`${prefix} health: GET ${spec.healthPath ?? '/health'} through the Function URL front`);
      checks.push(await runHealthCheck(spec, served.target));
    }
    const smoke = await importSmoke;
    log(`${prefix} import smoke: ${smoke[0]?.cachedAt ? `cached (passed on ${smoke[0].cachedAt} for these bytes on this base)` : `${smoke.filter((c) => c.passed).length} of ${smoke.length} imported`}`);
    checks.push(...smoke);
    for (const check of applicableSmokeChecks(spec, served.target)) {
      log(`${prefix} smoke: ${check.name}`);
      checks.push(await runSmokeCheck(check, served.target));
    }
  } catch (error) {
    await served.stop();
    await importSmoke.catch(() => undefined);
    throw error;
  }
  const checked = functionReport(spec.name, base.description, checks, summary);
  // On RIE the report says what that engine cannot check, every time, rather than hiding it.
  const report = served.engine === 'rie'
    ? { ...checked, base: `${base.description}, under AWS's RIE (aws-sam-cli ${SAM_CLI_VERSION})`, warnings: [...checked.warnings, ...RIE_LIMITATIONS.map((limit) => `engine rie: ${limit}`)] }
    : checked;
  if (props.keepServing) return { report, artifact, served };
  await served.stop();
  return { report, artifact };
}

/** The catalog's environment with the local session's values, as it would deploy. */
export function declaredEnvironment(spec: FunctionSpec, localAws: LocalAwsSession | undefined): Record<string, string> {
  return resolveEnvironment(spec, (value) => {
    if (!localAws) {
      throw new Error(`Function '${spec.name}' needs '${value.ref}' in its environment, which only the local AWS session provides.`);
    }
    return localAws.resolveRef(value);
  });
}
