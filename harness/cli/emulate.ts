/**
 * `npm run emulate`: verifies every catalog function, then serves the whole analyzer locally
 * (dashboard Function URL, invoke endpoint, local AWS, scheduled ingestion, SNS -> analysis)
 * until Ctrl-C, which stops every container and the local AWS server.
 */
import { CATALOG } from '../../lambdas/catalog';
import { stderrLog } from '../build/progress';
import { ensureDockerEngine } from '../docker/engine';
import { defaultBaseChoice, parseBaseChoice } from '../images/runtime-base';
import { sampleArticle } from '../local-aws/fake-newsapi';
import { startLocalStack } from '../pipeline/local-stack';
import { formatConsoleReport } from '../report/console-report';
import { writeReports } from '../report/write-reports';
import { formatOptions, OptionSpec, parseArgs, runCli, UsageError } from './cli-args';

const OPTIONS: Record<string, OptionSpec> = {
  base: { kind: 'value', description: 'runtime base: auto (default, or $LAMBDA_BASE), official, standin' },
  port: { kind: 'value', description: 'invoke endpoint port (default 9000)' },
  'dashboard-port': { kind: 'value', description: "dashboard Function URL port (default 8080)" },
  'api-key': { kind: 'value', description: 'dashboard API key stored in the local secret (default: random, printed)' },
  articles: { kind: 'value', description: 'articles the NewsAPI mock serves per run (default 5)' },
  'ingest-every': { kind: 'value', description: 'seconds between scheduled ingestion runs (default 300; 0 = only once at start)' },
  'max-environments': { kind: 'value', description: 'execution environments per function at most; more concurrent invokes queue (default 10)' },
  once: { kind: 'switch', description: 'run one ingestion, wait for analysis, print the metrics and exit' },
  force: { kind: 'switch', description: 'rebuild artifacts even when cached' },
  verbose: { kind: 'switch', description: "print the functions' own log lines" },
};
const USAGE = `npm run emulate -- [options]\n${formatOptions(OPTIONS)}`;

function integerOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'.`, USAGE);
  return parsed;
}

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), OPTIONS, USAGE);
  if (args.positionals.length > 0) throw new UsageError(`Unexpected argument '${args.positionals[0]}'.`, USAGE);
  const baseChoice = parseBaseChoice(args.values.base ?? defaultBaseChoice(), '--base');
  const invokePort = integerOption(args.values.port, 'port', 9000, 1);
  const dashboardPort = integerOption(args.values['dashboard-port'], 'dashboard-port', 8080, 1);
  const articleCount = integerOption(args.values.articles, 'articles', 5);
  const ingestEvery = integerOption(args.values['ingest-every'], 'ingest-every', 300);
  const maxEnvironments = integerOption(args.values['max-environments'], 'max-environments', 10, 1);
  await ensureDockerEngine();

  const log = stderrLog;
  const stack = await startLocalStack({
    baseChoice,
    log,
    force: args.switches.force,
    maxEnvironments,
    invokePort,
    dashboardPort,
    dashboardApiKey: args.values['api-key'],
    articles: Array.from({ length: articleCount }, (_, i) => sampleArticle(i + 1)),
    onFunctionLog: args.switches.verbose ? (name, line) => log(`  ${name} | ${line}`) : undefined,
  });
  console.log(`\n${formatConsoleReport(stack.verify.report)}`);
  writeReports(stack.verify.report);
  if (!stack.passed) {
    await stack.stop();
    console.error('\nNot serving: fix the failures above (they are what AWS would have answered with a 502).');
    return 1;
  }

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n[emulate] ${reason}: stopping every container and the local AWS server ...`);
    await stack.stop();
    log('[emulate] stopped; nothing left running.');
  };

  const ingest = async () => {
    const result = await stack.runIngestion();
    log(result.ok ? `[emulate] ingestion: ${result.payload.toString()}` : `[emulate] ingestion FAILED: ${result.errorType}: ${result.errorMessage}`);
    await stack.settled();
    const analysed = stack.analysisRuns.filter((run) => run.result.ok).length;
    log(`[emulate] analysis runs so far: ${stack.analysisRuns.length} (${analysed} ok)`);
  };

  const dashboard = `${stack.dashboardUrl}?key=${encodeURIComponent(stack.dashboardApiKey)}`;
  console.log([
    '',
    'The sentiment analyzer is running locally:',
    `  dashboard:        ${dashboard}`,
    `  metrics API:      curl -H 'X-API-Key: ${stack.dashboardApiKey}' ${stack.dashboardUrl}api/metrics`,
    `  invoke endpoint:  curl -XPOST "${stack.invokeEndpoint!.url}/2015-03-31/functions/function/invocations" -d '{}'`,
    `                    (functions: ${CATALOG.map((s) => s.name).join(', ')}: /2015-03-31/functions/<name>/invocations)`,
    `  local AWS (moto): ${stack.verify.localAws!.moto.endpoint}`,
    ingestEvery > 0 ? `  ingestion runs now and every ${ingestEvery} s.` : '  ingestion runs once now.',
    args.switches.once ? '' : 'Press Ctrl-C to stop.',
  ].join('\n'));

  if (args.switches.once) {
    try {
      await ingest();
    } finally {
      await shutdown('--once done');
    }
    return stack.analysisRuns.every((run) => run.result.ok) ? 0 : 1;
  }

  await ingest().catch((error: Error) => log(`[emulate] ingestion error: ${error.message}`));
  const timer = ingestEvery > 0
    ? setInterval(() => void ingest().catch((error: Error) => log(`[emulate] ingestion error: ${error.message}`)), ingestEvery * 1000)
    : undefined;
  return new Promise<number>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // `on`, not `once`: a second Ctrl-C (or npm/tsx relaying the first) must not kill the
      // process halfway through removing containers and stopping the local AWS server.
      process.on(signal, () => {
        if (stopping) return log(`[emulate] ${signal} again: still stopping, please wait ...`);
        if (timer) clearInterval(timer);
        void shutdown(signal).then(() => resolve(0), () => resolve(1));
      });
    }
  });
});
