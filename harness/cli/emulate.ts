/**
 * `npm run emulate`: verifies every catalog function, then serves the whole analyzer locally
 * (dashboard Function URL, invoke endpoint, local AWS, scheduled ingestion, SNS -> analysis)
 * until Ctrl-C, which stops every container and the local AWS server.
 *
 * `npm run emulate -- --dir <path> [function options]`: verifies one function directory and serves
 * it alone on the invoke endpoint and a Function URL front (like `sam local start-lambda`), then
 * prints one line `READY {json}` on stdout with both URLs for scripts to read.
 *
 * `--watch` (either form): an edit under a served function's source directory re-verifies that
 * function alone and swaps the new version in on the same ports once it passed (watch-function.ts).
 *
 * Ctrl-C, SIGTERM or SIGHUP at ANY moment (building, verifying, the first ingestion, --once)
 * stops everything and removes staging; what a `kill -9` left is reaped at the next start.
 */
import { machineCatalog } from '../machine-catalog';
import { synthesizedUrlAccess } from '../../deploy/stack-url-access';
import { FunctionSpec } from '../../model/function-spec';
import { DEFAULT_WORK_DIR } from '../build/build-artifact';
import { ProgressLog, stderrLog } from '../build/progress';
import { ensureDockerEngine } from '../docker/engine';
import { FunctionUrlFront } from '../emulator/function-url-front';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { BaseChoice, defaultBaseChoice, parseBaseChoice } from '../images/runtime-base';
import { reapOrphans } from '../lifecycle/reap';
import { installShutdownHandlers, onShutdown, shutdown } from '../process/shutdown';
import { parseRetryDelays } from '../emulator/async-invocation-queue';
import { sampleArticle } from '../local-aws/fake-newsapi';
import { portIsFree } from '../local-aws/moto-server';
import { startLocalStack } from '../pipeline/local-stack';
import { runVerify } from '../pipeline/verify-run';
import { formatConsoleReport } from '../report/console-report';
import { writeReports } from '../report/write-reports';
import { formatOptions, OptionSpec, parseOptionsOnly, ParsedArgs, runCli, UsageError } from './cli-args';
import { FUNCTION_OPTIONS, functionFromOptions } from './function-options';
import { RieFunction } from '../rie/rie-function';
import { EngineName, startFunctionUrlFront } from '../pipeline/served-function';
import { parseEngine } from './engine-option';
import { VerifiedFunction } from '../pipeline/verify-function';
import { recordPassedVersion } from '../pipeline/watch-manifest';
import { SwitchableInvoker } from '../pipeline/watch-swap';
import { FunctionWatch, ReverifyOptions, reverifyFor } from '../pipeline/watch-function';

const OPTIONS: Record<string, OptionSpec> = {
  base: { kind: 'value', description: 'runtime base: auto (default, or $LAMBDA_BASE), official, standin' },
  port: { kind: 'value', description: 'invoke endpoint port (default 9000; with --dir, 0 = any free port)' },
  'api-key': { kind: 'value', description: 'dashboard API key stored in the local secret (default: random, printed)' },
  articles: { kind: 'value', description: 'articles the NewsAPI mock serves per run (default 5)' },
  'schedule-every': { kind: 'value', description: 'seconds between runs of the scheduled functions (default 300; 0 = only once at start)' },
  'max-environments': { kind: 'value', description: 'execution environments per function at most; more concurrent invokes queue (default 10)' },
  'async-retry-delays': { kind: 'value', description: "seconds before the 1st and 2nd retry of a failed asynchronous event (SNS, schedule, Event invokes); default Lambda's 60,120" },
  once: { kind: 'switch', description: 'run the scheduled functions once, wait for what they trigger over SNS, then exit (1 if any triggered run failed)' },
  force: { kind: 'switch', description: 'rebuild artifacts even when cached' },
  verbose: { kind: 'switch', description: "print the functions' own log lines" },
  watch: { kind: 'switch', description: 'rebuild, verify and swap in a function when its source directory changes; a failing edit keeps the last good version serving' },
  engine: { kind: 'value', description: "emulator (default: ours) or rie (AWS's Runtime Interface Emulator)" },
  ...FUNCTION_OPTIONS,
  'url-port': { kind: 'value', description: 'Function URL front port: the first function with a URL, the next ones on the ports after it (default 8080; with --dir 9001, 0 = any free port)' },
  'serve-anyway': { kind: 'switch', description: 'with --dir: serve the function even when its verification fails' },
};
const USAGE = `npm run emulate -- [options]\n${formatOptions(OPTIONS)}`;

function integerOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'.`, USAGE);
  return parsed;
}

/** Refuses, before the long verify, a port something else already holds. */
async function requireFreePort(port: number, what: string, option: string): Promise<void> {
  if (port === 0 || (await portIsFree(port))) return;
  throw new Error(
    `Port ${port} (${what}) on 127.0.0.1 is already in use (see \`ss -ltnp | grep :${port}\`). ` +
    `Stop what holds it, or choose another port with ${option} <port>.`,
  );
}

interface Common {
  readonly args: ParsedArgs;
  readonly baseChoice: BaseChoice;
  readonly maxEnvironments: number;
  readonly engine: EngineName;
  readonly log: ProgressLog;
  readonly onFunctionLog?: (name: string, line: string) => void;
}

runCli(async () => {
  const args = parseOptionsOnly(process.argv.slice(2), OPTIONS, USAGE);
  const adHoc = functionFromOptions(args, USAGE);
  if (!adHoc && args.switches['serve-anyway']) throw new UsageError('--serve-anyway only applies with --dir.', USAGE);
  for (const flag of ['api-key', 'articles', 'schedule-every'] as const) {
    if (adHoc && args.values[flag] !== undefined) throw new UsageError(`--${flag} applies to the analyzer, not with --dir.`, USAGE);
  }
  if (adHoc && args.switches.once) throw new UsageError('--once applies to the analyzer, not with --dir.', USAGE);
  if (args.switches.once && args.switches.watch) throw new UsageError('--watch serves until Ctrl-C and --once exits after one round of the schedules: choose one.', USAGE);
  const log = stderrLog;
  let serving = false;
  // From the first moment: Ctrl-C / SIGTERM stop everything started so far (exit 0 once serving).
  installShutdownHandlers({ log, exitCode: (reason) => (serving ? 0 : reason === 'SIGINT' ? 130 : reason === 'SIGTERM' ? 143 : 1) });
  const common: Common = {
    args,
    log,
    baseChoice: parseBaseChoice(args.values.base ?? defaultBaseChoice(), '--base'),
    maxEnvironments: integerOption(args.values['max-environments'], 'max-environments', 10, 1),
    engine: parseEngine(args.values.engine, USAGE),
    onFunctionLog: args.switches.verbose ? (name, line) => log(`  ${name} | ${line}`) : undefined,
  };
  const markServing = () => (serving = true);
  return adHoc ? emulateDirectory(adHoc, common, markServing) : emulateAnalyzer(common, markServing);
});

/** Checks what must hold before any long work: an engine, no orphans, free ports. */
async function prepare(log: ProgressLog, ports: readonly [number, string, string][]): Promise<void> {
  await ensureDockerEngine();
  await reapOrphans({ workDir: DEFAULT_WORK_DIR, log });
  for (const [port, what, option] of ports) await requireFreePort(port, what, option);
}

async function emulateDirectory(spec: FunctionSpec, common: Common, markServing: () => void): Promise<number> {
  const { args, log } = common;
  const invokePort = integerOption(args.values.port, 'port', 9000);
  const urlPort = integerOption(args.values['url-port'], 'url-port', 9001);
  if (invokePort !== 0 && invokePort === urlPort) throw new UsageError(`--port and --url-port must differ, both are ${invokePort}.`, USAGE);
  const serveAnyway = args.switches['serve-anyway'];
  const watch = args.switches.watch;
  await prepare(log, [[invokePort, 'invoke endpoint', '--port'], [urlPort, 'Function URL', '--url-port']]);

  const run = await runVerify({
    specs: [spec],
    baseChoice: common.baseChoice,
    log,
    force: args.switches.force,
    keepServing: true,
    bootDespiteInspection: serveAnyway,
    maxEnvironments: common.maxEnvironments,
    engine: common.engine,
    // Watched: the port belongs to the switchable front below, each version's own front takes a free one.
    urlPorts: spec.url && !watch ? { [spec.name]: urlPort } : undefined,
    recordManifest: false,
    onFunctionLog: common.onFunctionLog,
  });
  onShutdown(() => run.stop());
  console.log(`\n${formatConsoleReport(run.report)}`);
  writeReports(run.report);
  const served = run.verified[0]?.served;
  if (!served || (!run.report.passed && !serveAnyway)) {
    await shutdown();
    console.error(served
      ? '\nNot serving: fix the failures above, or add --serve-anyway to serve it and see its Lambda errors through the invoke API.'
      : '\nNot serving: the function could not be built or booted (see above).');
    return 1;
  }
  // The fronts hold a switchable invoker: `--watch` puts each verified version in it.
  const invoker = new SwitchableInvoker(served);
  onShutdown(() => invoker.stop());
  let functionUrl = watch ? undefined : served.url;
  if (!functionUrl) {
    const front = spec.url
      ? await startFunctionUrlFront(spec, invoker, { port: urlPort })
      : await new FunctionUrlFront({ invoker, port: urlPort }).start();
    onShutdown(() => front.stop());
    functionUrl = front.url;
  }
  const endpoint = await new InvokeEndpoint({ functions: [invoker], port: invokePort }).start();
  onShutdown(() => endpoint.stop());
  if (watch) startWatch(invoker, common);
  markServing();
  console.log([
    '',
    `${spec.name} (${spec.sourceDir}) is served${run.report.passed ? '' : ' although its verification FAILED (--serve-anyway)'}:`,
    `  invoke endpoint:  curl -XPOST "${endpoint.invocationsUrl()}" -d '{}'`,
    `  Function URL:     curl ${functionUrl}`,
    watch ? `Watching ${spec.sourceDir}: saved edits are verified and served on the same ports. Press Ctrl-C to stop.` : 'Press Ctrl-C to stop.',
  ].join('\n'));
  // One machine-readable line for scripts and test suites; under RIE also RIE's own invoke endpoint.
  const rieInvokeUrl = served.emulator instanceof RieFunction ? served.emulator.invocationsUrl : undefined;
  console.log(`READY ${JSON.stringify({ function: spec.name, invokeUrl: endpoint.invocationsUrl(), functionUrl, ...(rieInvokeUrl ? { rieInvokeUrl } : {}), verified: run.report.passed, pid: process.pid })}`);
  return new Promise<number>(() => undefined); // until a signal: the shutdown handler exits
}

async function emulateAnalyzer(common: Common, markServing: () => void): Promise<number> {
  const { args, log } = common;
  const invokePort = integerOption(args.values.port, 'port', 9000, 1);
  const specs = machineCatalog();
  const urlPort = integerOption(args.values['url-port'], 'url-port', 8080, 1);
  const urlFunctions = specs.filter((spec) => spec.url).map((spec) => spec.name);
  const articleCount = integerOption(args.values.articles, 'articles', 5);
  const scheduleEvery = integerOption(args.values['schedule-every'], 'schedule-every', 300);
  let asyncRetryDelaysMs: number[] | undefined;
  try {
    asyncRetryDelaysMs = args.values['async-retry-delays'] === undefined ? undefined : parseRetryDelays(args.values['async-retry-delays']);
  } catch (error) {
    throw new UsageError(`--async-retry-delays: ${(error as Error).message}`, USAGE);
  }
  await prepare(log, [
    [invokePort, 'invoke endpoint', '--port'],
    ...urlFunctions.map((name, index): [number, string, string] => [urlPort + index, `${name} Function URL`, '--url-port']),
  ]);

  const stack = await startLocalStack({
    // Each Function URL answers as the deployed one would: 403 when the synthesized stack refuses.
    urlAccess: synthesizedUrlAccess(machineCatalog()),
    baseChoice: common.baseChoice,
    log,
    force: args.switches.force,
    maxEnvironments: common.maxEnvironments,
    engine: common.engine,
    specs,
    invokePort,
    urlPort,
    dashboardApiKey: args.values['api-key'],
    articles: Array.from({ length: articleCount }, (_, i) => sampleArticle(i + 1)),
    onFunctionLog: common.onFunctionLog,
    asyncRetryDelaysMs,
    swappable: args.switches.watch,
    onAsyncFailure: (failed) => log(failed.deadLettered
      ? `[emulate] DEAD-LETTERED: ${failed.functionName} event ${failed.requestId} failed ${failed.attempts} attempts (${failed.errorType}: ${failed.errorMessage.split('\n')[0]}); kept in its SQS queue ${stack.deadLetterQueueUrls[failed.functionName] ?? ''}`
      : `[emulate] FAILED: ${failed.functionName} event ${failed.requestId} failed ${failed.attempts} attempts (${failed.errorType}: ${failed.errorMessage.split('\n')[0]}); no dead-letter queue`),
  });
  onShutdown(() => stack.stop());
  console.log(`\n${formatConsoleReport(stack.verify.report)}`);
  writeReports(stack.verify.report);
  if (!stack.passed) {
    await shutdown();
    console.error('\nNot serving: fix the failures above (they are what AWS would have answered with a 502).');
    return 1;
  }

  const scheduled = specs.filter((spec) => spec.trigger?.kind === 'schedule').map((spec) => spec.name);
  const subscribed = specs.filter((spec) => spec.trigger?.kind === 'sns').map((spec) => spec.name);
  // One round of the schedules, then what the SNS subscriptions delivered so far.
  const runSchedules = async () => {
    for (const run of await stack.runSchedules()) {
      const { result } = run;
      log(result.ok ? `[emulate] ${run.functionName} (schedule): ${result.payload.toString()}` : `[emulate] ${run.functionName} (schedule) FAILED: ${result.errorType}: ${result.errorMessage}`);
    }
    await stack.settled();
    for (const name of subscribed) {
      const runs = stack.triggerRuns.filter((run) => run.functionName === name);
      const stats = stack.asyncQueues.get(name)?.stats;
      log(`[emulate] ${name} (SNS) runs so far: ${runs.length} (${runs.filter((run) => run.result.ok).length} ok)` +
        (stats ? `; events ${stats.accepted} accepted, ${stats.succeeded} succeeded, ${stats.retries} retries, ${stats.deadLettered} dead-lettered, ${stats.failed} failed` : ''));
    }
  };

  const apiKey = encodeURIComponent(stack.dashboardApiKey);
  console.log([
    '',
    'The sentiment analyzer is running locally:',
    // A function that reads the dashboard API key secret is opened with that key.
    ...Object.entries(stack.urls).map(([name, url]) => (specs.find((spec) => spec.name === name)?.uses?.secrets?.includes('dashboard-api-key')
      ? `  ${name}: ${url}?key=${apiKey}\n    (API: curl -H 'X-API-Key: ${stack.dashboardApiKey}' ${url}<path>)`
      : `  ${name}: ${url}`)),
    `  invoke endpoint:  curl -XPOST "${stack.invokeEndpoint!.url}/2015-03-31/functions/function/invocations" -d '{}'`,
    `                    (functions: ${specs.map((s) => s.name).join(', ')}: /2015-03-31/functions/<name>/invocations)`,
    `  local AWS (moto): ${stack.verify.localAws!.moto.endpoint}`,
    ...(subscribed.length > 0 ? [`  SNS topic -> ${subscribed.join(', ')}`] : []),
    scheduled.length === 0 ? '  no scheduled function.'
      : scheduleEvery > 0 ? `  scheduled (${scheduled.join(', ')}): run now and every ${scheduleEvery} s.` : `  scheduled (${scheduled.join(', ')}): run once now.`,
    ...(args.switches.watch ? ['  watching lambdas/<fn>/: saved edits are verified, then served on the same ports.'] : []),
    args.switches.once ? '' : 'Press Ctrl-C to stop.',
  ].join('\n'));

  if (args.switches.once) {
    try {
      await runSchedules();
    } finally {
      log('[emulate] --once done: stopping every container and the local AWS server ...');
      await shutdown();
      log('[emulate] stopped; nothing left running.');
    }
    return stack.triggerRuns.every((run) => run.result.ok) ? 0 : 1;
  }

  if (args.switches.watch) {
    for (const invoker of Object.values(stack.invokers)) {
      startWatch(invoker, common, { localAws: stack.verify.localAws, urlAccess: stack.urlAccess[invoker.functionName] }, (verified) => {
        if (recordPassedVersion(verified)) common.log(`[watch] ${invoker.functionName}: recorded ${verified.served!.artifact.contentHash.slice(0, 12)} in the manifest`);
      });
    }
  }
  markServing();
  await runSchedules().catch((error: Error) => log(`[emulate] schedule error: ${error.message}`));
  if (scheduleEvery > 0 && scheduled.length > 0) {
    const timer = setInterval(() => void runSchedules().catch((error: Error) => log(`[emulate] schedule error: ${error.message}`)), scheduleEvery * 1000);
    onShutdown(() => clearInterval(timer));
  }
  return new Promise<number>(() => undefined); // until a signal: the shutdown handler exits
}

/** `--watch`: re-verifies the invoker's function on every edit and swaps in what passes. */
function startWatch(invoker: SwitchableInvoker, common: Common, options: Omit<ReverifyOptions, 'log'> = {}, onVerified?: (verified: VerifiedFunction) => void): FunctionWatch {
  const name = invoker.functionName;
  const watch = new FunctionWatch({
    invoker,
    reverify: reverifyFor(invoker, {
      ...options,
      log: common.log,
      maxEnvironments: common.maxEnvironments,
      onFunctionLog: common.onFunctionLog ? (line) => common.onFunctionLog!(name, line) : undefined,
    }),
    log: (line) => common.log(`[watch] ${line}`),
    onVerified,
  }).start();
  onShutdown(() => watch.close());
  return watch;
}
