/**
 * `npm run verify [-- <fn>... | --dir <path> [--handler h] [--runtime r] [--memory mb] [--timeout s] [--env K=V] [--image] [--health /path]] [--event e]`
 * Builds every artifact as deployed, inspects it, boots it and runs the suite. Exit 1 on any failure.
 */
import { machineCatalog, catalogEntry } from '../machine-catalog';
import { FunctionSpec } from '../../model/function-spec';
import { stderrLog } from '../build/progress';
import { RequirementsMode } from '../build/requirements';
import { ensureDockerEngine } from '../docker/engine';
import { parseBaseChoice, defaultBaseChoice } from '../images/runtime-base';
import { defaultJobs, runVerify } from '../pipeline/verify-run';
import { formatConsoleReport } from '../report/console-report';
import { writeReports } from '../report/write-reports';
import { stoppedRunReport } from '../suite/check-result';
import { DEFAULT_WORK_DIR } from '../build/build-artifact';
import { reapOrphans } from '../lifecycle/reap';
import { installShutdownHandlers, stoppedBySignal } from '../process/shutdown';
import { formatOptions, OptionSpec, parseArgs, runCli, UsageError } from './cli-args';
import { parseEventOptions } from './event-option';
import { FUNCTION_OPTIONS, functionFromOptions } from './function-options';
import { parseEngine } from './engine-option';

const VERIFY_OPTIONS: Record<string, OptionSpec> = {
  ...FUNCTION_OPTIONS,
  event: { kind: 'repeatable', description: "test event for the boot check: a .json file or inline JSON (repeatable); must succeed" },
  base: { kind: 'value', description: 'runtime base: auto (default, or $LAMBDA_BASE), official, standin' },
  force: { kind: 'switch', description: 'rebuild (dependencies too), re-inspect and re-run the import smoke even when cached' },
  jobs: { kind: 'value', description: `functions verified at once (default ${defaultJobs()}: one per core)` },
  requirements: { kind: 'value', description: "ZIP deps: install (default), omit, or <platform>@<python> (e.g. manylinux2014_x86_64@3.12)" },
  'boot-despite-inspection': { kind: 'switch', description: 'boot and test even when static inspection fails' },
  verbose: { kind: 'switch', description: "print the functions' own log lines (START/END/REPORT included)" },
  engine: { kind: 'value', description: "emulator (default: ours) or rie (AWS's Runtime Interface Emulator, from the aws-sam-cli wheel)" },
};
const USAGE = `npm run verify -- [function...] [options]\n  functions: ${machineCatalog().map((s) => s.name).join(', ')} (default: all)\n${formatOptions(VERIFY_OPTIONS)}`;

function parseRequirementsMode(value: string | undefined): RequirementsMode {
  if (value === undefined || value === 'install') return 'install';
  if (value === 'omit') return 'omit';
  const match = /^([a-z0-9_]+)@(\d\.\d+)$/.exec(value);
  if (!match) throw new UsageError(`--requirements must be install, omit or <platform>@<python version>, got '${value}'.`, USAGE);
  return { platform: match[1], pythonVersion: match[2] };
}

runCli(async () => {
  const started = new Date();
  try {
    return await verify();
  } catch (error) {
    // A stopped run still writes its reports (not usage errors or --help: nothing was asked to run).
    if (!(error instanceof UsageError) && !stoppedBySignal()) writeReports(stoppedRunReport(started.toISOString(), Date.now() - started.getTime(), error));
    throw error;
  }
});

async function verify(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), VERIFY_OPTIONS, USAGE);
  const baseChoice = parseBaseChoice(args.values.base ?? defaultBaseChoice(), '--base');
  const requirements = parseRequirementsMode(args.values.requirements);
  const engine = parseEngine(args.values.engine, USAGE);
  const jobs = args.values.jobs === undefined ? defaultJobs() : Number(args.values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be an integer >= 1 (functions verified at once), got '${args.values.jobs}'.`, USAGE);
  const adHoc = functionFromOptions(args, USAGE);
  if (adHoc && args.positionals.length > 0) throw new UsageError('Give either function names or --dir, not both.', USAGE);
  const specs: FunctionSpec[] = adHoc ? [adHoc] : args.positionals.length > 0 ? args.positionals.map(catalogEntry) : [...machineCatalog()];
  // Ctrl-C or SIGTERM at any moment stops every container and helper and removes staging.
  installShutdownHandlers({ log: stderrLog });
  const events = parseEventOptions(args.lists.event, USAGE);
  if (events.length > 0 && specs.length > 1) {
    throw new UsageError(`--event is for one function: name it (e.g. npm run verify -- ${specs[0].name} --event ...) or use --dir.`, USAGE);
  }
  // Fail within seconds, with how to start one, before any other work.
  await ensureDockerEngine();
  await reapOrphans({ workDir: DEFAULT_WORK_DIR, log: stderrLog });

  const run = await runVerify({
    specs,
    baseChoice,
    log: stderrLog,
    force: args.switches.force,
    jobs,
    requirements,
    bootDespiteInspection: args.switches['boot-despite-inspection'],
    engine,
    events,
    onFunctionLog: args.switches.verbose ? (name, line) => stderrLog(`  ${name} | ${line}`) : undefined,
  });
  await run.stop();
  console.log(`\n${formatConsoleReport(run.report)}`);
  const written = writeReports(run.report);
  console.log(`Reports: ${written.json}, ${written.junit}`);
  return run.report.passed ? 0 : 1;
}
