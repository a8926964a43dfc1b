/**
 * `npm run verify [-- <fn>... | --dir <path> [--runtime r] [--handler h] [--image] [--health /path]]`
 * Builds every artifact as deployed, inspects it, boots it and runs the suite. Exit 1 on any failure.
 */
import { CATALOG, catalogEntry } from '../../lambdas/catalog';
import { FunctionSpec } from '../../lambdas/function-spec';
import { stderrLog } from '../build/progress';
import { RequirementsMode } from '../build/requirements';
import { ensureDockerEngine } from '../docker/engine';
import { parseBaseChoice, defaultBaseChoice } from '../images/runtime-base';
import { adHocFunction } from '../pipeline/ad-hoc-function';
import { runVerify } from '../pipeline/verify-run';
import { formatConsoleReport } from '../report/console-report';
import { writeReports } from '../report/write-reports';
import { formatOptions, OptionSpec, parseArgs, runCli, UsageError } from './cli-args';

const VERIFY_OPTIONS: Record<string, OptionSpec> = {
  dir: { kind: 'value', description: 'verify any function directory instead of catalog functions' },
  runtime: { kind: 'value', description: 'with --dir: python3.13 (default), python3.11, python3.12' },
  handler: { kind: 'value', description: 'with --dir: module.function (default handler.lambda_handler)' },
  image: { kind: 'switch', description: 'with --dir: build its Dockerfile as an image function' },
  health: { kind: 'value', description: 'with --dir: serve a Function URL and GET this path as health' },
  base: { kind: 'value', description: 'runtime base: auto (default, or $LAMBDA_BASE), official, standin' },
  force: { kind: 'switch', description: 'rebuild artifacts even when their content hash is cached' },
  requirements: { kind: 'value', description: "ZIP deps: install (default), omit, or <platform>@<python> (e.g. manylinux2014_x86_64@3.12)" },
  'boot-despite-inspection': { kind: 'switch', description: 'boot and test even when static inspection fails' },
  verbose: { kind: 'switch', description: "print the functions' own log lines (START/END/REPORT included)" },
};
const USAGE = `npm run verify -- [function...] [options]\n  functions: ${CATALOG.map((s) => s.name).join(', ')} (default: all)\n${formatOptions(VERIFY_OPTIONS)}`;

function parseRequirementsMode(value: string | undefined): RequirementsMode {
  if (value === undefined || value === 'install') return 'install';
  if (value === 'omit') return 'omit';
  const match = /^([a-z0-9_]+)@(\d\.\d+)$/.exec(value);
  if (!match) throw new UsageError(`--requirements must be install, omit or <platform>@<python version>, got '${value}'.`, USAGE);
  return { platform: match[1], pythonVersion: match[2] };
}

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), VERIFY_OPTIONS, USAGE);
  const baseChoice = parseBaseChoice(args.values.base ?? defaultBaseChoice(), '--base');
  const requirements = parseRequirementsMode(args.values.requirements);
  let specs: FunctionSpec[];
  if (args.values.dir) {
    if (args.positionals.length > 0) throw new UsageError('Give either function names or --dir, not both.', USAGE);
    specs = [adHocFunction({ dir: args.values.dir, runtime: args.values.runtime, handler: args.values.handler, image: args.switches.image || undefined, healthPath: args.values.health })];
  } else {
    for (const flag of ['runtime', 'handler', 'health'] as const) {
      if (args.values[flag]) throw new UsageError(`--${flag} only applies with --dir.`, USAGE);
    }
    specs = args.positionals.length > 0 ? args.positionals.map(catalogEntry) : [...CATALOG];
  }
  // Fail within seconds, with how to start one, before any other work.
  await ensureDockerEngine();

  const run = await runVerify({
    specs,
    baseChoice,
    log: stderrLog,
    force: args.switches.force,
    requirements,
    bootDespiteInspection: args.switches['boot-despite-inspection'],
    onFunctionLog: args.switches.verbose ? (name, line) => stderrLog(`  ${name} | ${line}`) : undefined,
  });
  await run.stop();
  console.log(`\n${formatConsoleReport(run.report)}`);
  const written = writeReports(run.report);
  console.log(`Reports: ${written.json}, ${written.junit}`);
  return run.report.passed ? 0 : 1;
});
