/**
 * `npm run conformance`: the project's Lambda conformance cases (harness/conformance/cases.ts,
 * each citing its AWS page) against our emulator serving the fixture function, or against any
 * other engine given its invoke URL and Function URL; results go to reports/conformance.json
 * (one column per engine).
 */
import * as path from 'node:path';
import { stderrLog } from '../build/progress';
import { ensureDockerEngine } from '../docker/engine';
import { ConformanceTarget, runConformance, writeConformanceReport } from '../conformance/conformance-runner';
import { startEmulateDirTarget } from '../conformance/emulate-dir-target';
import { CONFORMANCE_FIXTURE } from '../conformance/conformance-fixture';
import { REPORTS_DIR } from '../report/write-reports';
import { formatOptions, OptionSpec, parseArgs, runCli, UsageError } from './cli-args';

const OPTIONS: Record<string, OptionSpec> = {
  base: { kind: 'value', description: 'runtime base for our emulator: auto (default, or $LAMBDA_BASE), official, standin' },
  'invoke-url': { kind: 'value', description: 'run against another engine: its invocations URL (.../2015-03-31/functions/function/invocations)' },
  'function-url': { kind: 'value', description: "with --invoke-url: the engine's Function URL for the same fixture" },
  engine: { kind: 'value', description: 'column name in the report (default: emulator, or "external" with --invoke-url)' },
  'function-name': { kind: 'value', description: 'with --invoke-url: the name the fixture is deployed under (default fixture)' },
  out: { kind: 'value', description: 'report file (default reports/conformance.json)' },
};
const USAGE = `npm run conformance -- [options]\n${formatOptions(OPTIONS)}`;

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), OPTIONS, USAGE);
  if (args.positionals.length > 0) throw new UsageError(`Unexpected argument '${args.positionals[0]}'.`, USAGE);
  const out = path.resolve(args.values.out ?? path.join(REPORTS_DIR, 'conformance.json'));
  let target: ConformanceTarget;
  let stop = async () => undefined as void;
  if (args.values['invoke-url']) {
    if (!args.values['function-url']) throw new UsageError('--invoke-url needs --function-url too (the Function URL cases).', USAGE);
    target = {
      engine: args.values.engine ?? 'external',
      invokeUrl: args.values['invoke-url'],
      functionUrl: args.values['function-url'],
      fixture: { functionName: args.values['function-name'] ?? 'fixture', ...CONFORMANCE_FIXTURE },
    };
  } else {
    await ensureDockerEngine();
    // The fixture as a user serves it: `npm run emulate -- --dir harness/conformance/fixture`.
    const local = await startEmulateDirTarget({ base: args.values.base, log: stderrLog });
    target = { ...local.target, engine: args.values.engine ?? 'emulator' };
    stop = local.stop;
  }
  try {
    stderrLog(`[conformance] ${target.engine}: ${target.invokeUrl} and ${target.functionUrl}`);
    const run = await runConformance(target, {
      onResult: (result) => stderrLog(`  ${result.passed ? 'pass' : 'FAIL'}  ${result.id}${result.detail ? `: ${result.detail}` : ''}`),
    });
    writeConformanceReport(run, out);
    console.log(`[conformance] ${target.engine}: ${run.passed} of ${run.results.length} cases as AWS documents them; report: ${path.relative(process.cwd(), out)}`);
    return run.failed === 0 ? 0 : 1;
  } finally {
    await stop();
  }
});
