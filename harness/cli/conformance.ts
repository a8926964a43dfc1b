/**
 * `npm run conformance`: the project's Lambda conformance cases (harness/conformance/cases.ts,
 * each citing its AWS page) on our emulator AND on AWS's Runtime Interface Emulator, each serving
 * the fixture function the way `npm run emulate -- --dir <fixture> --engine <engine>` serves it,
 * or against any other engine given its URLs. Results go to reports/conformance.json (one column
 * per engine) and the README's table is regenerated from that file.
 *
 * Exit code: 1 when our emulator (or an external engine) differs from AWS's documentation. RIE's
 * differences are findings for the table, not failures of this command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { stderrLog } from '../build/progress';
import { ensureDockerEngine } from '../docker/engine';
import { ConformanceReport, ConformanceRun, ConformanceTarget, runConformance, writeConformanceReport } from '../conformance/conformance-runner';
import { startEmulateDirTarget } from '../conformance/emulate-dir-target';
import { CONFORMANCE_FIXTURE } from '../conformance/conformance-fixture';
import { updateReadmeConformanceTable } from '../conformance/readme-table';
import { EngineName } from '../pipeline/served-function';
import { REPORTS_DIR } from '../report/write-reports';
import { formatOptions, OptionSpec, parseOptionsOnly, ParsedArgs, runCli, UsageError } from './cli-args';
import { ENGINES_OPTION_HELP, parseEngines } from './engine-option';

const OPTIONS: Record<string, OptionSpec> = {
  engine: { kind: 'repeatable', description: `${ENGINES_OPTION_HELP}; with --invoke-url: the report column's name (default external)` },
  base: { kind: 'value', description: 'runtime base for the fixture: auto (default, or $LAMBDA_BASE), official, standin' },
  'invoke-url': { kind: 'value', description: 'run against another engine: its invocations URL (.../2015-03-31/functions/function/invocations)' },
  'function-url': { kind: 'value', description: "with --invoke-url: the engine's Function URL for the same fixture" },
  'function-name': { kind: 'value', description: 'with --invoke-url: the name the fixture is deployed under (default fixture)' },
  out: { kind: 'value', description: 'report file (default reports/conformance.json)' },
  'no-readme': { kind: 'switch', description: "do not regenerate README.md's conformance table from the report" },
  'readme-only': { kind: 'switch', description: "run nothing: regenerate README.md's conformance table from reports/conformance.json" },
};
const USAGE = `npm run conformance -- [options]\n${formatOptions(OPTIONS)}`;
const DEFAULT_REPORT = path.join(REPORTS_DIR, 'conformance.json');
const README = path.join(REPO_ROOT, 'README.md');

/** A served fixture: where to send the cases, and how to stop serving it. */
interface StartedTarget {
  readonly target: ConformanceTarget;
  stop(): Promise<void>;
}

/** One engine to run: its column name, whether its differences fail the command, how to start it. */
interface EngineRun {
  readonly engine: string;
  readonly differencesFail: boolean;
  start(): Promise<StartedTarget>;
}

runCli(async () => {
  const args = parseOptionsOnly(process.argv.slice(2), OPTIONS, USAGE);
  const out = path.resolve(args.values.out ?? DEFAULT_REPORT);
  if (args.switches['readme-only']) return regenerateReadme(readReport(out), out);

  const runs = args.values['invoke-url'] ? [externalRun(args)] : localRuns(args);
  if (!args.values['invoke-url']) await ensureDockerEngine();
  let report: ConformanceReport | undefined;
  const failedToStart: string[] = [];
  const differing: string[] = [];
  for (const run of runs) {
    let result: ConformanceRun;
    try {
      result = await runOne(run);
    } catch (error) {
      // The other engine's column is still worth writing; this run fails loudly at the end.
      stderrLog(`[conformance] ${run.engine}: could not run: ${(error as Error).message}`);
      failedToStart.push(run.engine);
      continue;
    }
    report = writeConformanceReport(result, out);
    const verdict = `${result.passed} of ${result.results.length} cases as AWS documents them`;
    if (run.differencesFail) {
      console.log(`[conformance] ${run.engine}: ${verdict}${result.failed > 0 ? ` — ${result.failed} FAILED` : ''}`);
      if (result.failed > 0) differing.push(run.engine);
    } else {
      console.log(`[conformance] ${run.engine}: ${verdict}; its ${result.failed} difference(s) are findings for the table (AWS's RIE is expected to deviate), not failures of this command`);
    }
  }
  if (report) {
    console.log(`[conformance] report: ${path.relative(process.cwd(), out)}`);
    if (!args.switches['no-readme']) regenerateReadme(report, out);
  }
  if (failedToStart.length > 0) console.error(`[conformance] could not run on: ${failedToStart.join(', ')} (see above)`);
  return failedToStart.length + differing.length === 0 ? 0 : 1;
});

function localRuns(args: ParsedArgs): EngineRun[] {
  for (const option of ['function-url', 'function-name'] as const) {
    if (args.values[option] !== undefined) throw new UsageError(`--${option} only applies with --invoke-url.`, USAGE);
  }
  return parseEngines(args.lists.engine, USAGE).map((engine: EngineName) => ({
    engine,
    differencesFail: engine !== 'rie',
    // The fixture as a user serves it: `npm run emulate -- --dir harness/conformance/fixture --engine <engine>`.
    start: () => startEmulateDirTarget({ base: args.values.base, engine, log: (line) => stderrLog(`  [${engine}] ${line}`) }),
  }));
}

function externalRun(args: ParsedArgs): EngineRun {
  if (!args.values['function-url']) throw new UsageError('--invoke-url needs --function-url too (the Function URL cases).', USAGE);
  if (args.lists.engine.length > 1) throw new UsageError('With --invoke-url, --engine is the name of that one engine\'s column.', USAGE);
  const engine = args.lists.engine[0] ?? 'external';
  const target: ConformanceTarget = {
    engine,
    invokeUrl: args.values['invoke-url']!,
    functionUrl: args.values['function-url'],
    fixture: { functionName: args.values['function-name'] ?? 'fixture', ...CONFORMANCE_FIXTURE },
  };
  return { engine, differencesFail: true, start: async () => ({ target, stop: async () => undefined }) };
}

async function runOne(run: EngineRun): Promise<ConformanceRun> {
  stderrLog(`[conformance] ${run.engine}: serving the fixture ...`);
  const started = await run.start();
  try {
    const { target } = started;
    stderrLog(`[conformance] ${run.engine}: invoke ${target.invokeUrl}, Function URL ${target.functionUrl}`);
    return await runConformance(target, {
      onResult: (result) => stderrLog(`  [${run.engine}] ${result.passed ? 'pass' : 'DIFFERS'}  ${result.id}${result.detail ? `: ${result.detail}` : ''}`),
    });
  } finally {
    await started.stop();
  }
}

function readReport(file: string): ConformanceReport {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ConformanceReport;
  } catch (error) {
    throw new Error(`Cannot read ${file} (${(error as Error).message}): run \`npm run conformance\` first.`);
  }
}

function regenerateReadme(report: ConformanceReport, out: string): number {
  // The README shows the checked-in report only; a report written elsewhere stays out of it.
  if (out !== DEFAULT_REPORT) {
    stderrLog(`[conformance] README table left as it is: it shows ${path.relative(REPO_ROOT, DEFAULT_REPORT)}, not ${out}`);
    return 0;
  }
  const changed = updateReadmeConformanceTable(README, report);
  console.log(`[conformance] README.md conformance table ${changed ? 'regenerated' : 'already up to date'}`);
  return 0;
}
