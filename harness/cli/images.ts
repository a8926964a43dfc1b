/**
 * npm run images -- [--runtime python3.13|python3.11|python3.12|all] [--base auto|standin|official] [--rebuild]
 *
 * Builds or resolves the runtime bases ahead of time (CI calls it before the tests), printing
 * what it did and which base each runtime will run on.
 */
import { PythonRuntime, SUPPORTED_RUNTIMES, runtimeFacts } from '../../model/runtimes';
import { formatSeconds, stderrLog } from '../build/progress';
import { defaultBaseChoice, hostArchitecture, parseBaseChoice, resolveRuntimeBase } from '../images/runtime-base';
import { OptionSpec, formatOptions, parseOptionsOnly, runCli } from './cli-args';

/** Runtimes `all` covers: those with a stand-in (python3.12 has none, only the official image). */
const STANDIN_RUNTIMES = SUPPORTED_RUNTIMES.filter((runtime) => runtimeFacts(runtime).standInDebianSuite);

const OPTIONS: Record<string, OptionSpec> = {
  runtime: { kind: 'value', description: `runtime(s) to prepare, comma separated, or 'all' = ${STANDIN_RUNTIMES.join(', ')} (default python3.13)` },
  base: { kind: 'value', description: 'auto (default, or $LAMBDA_BASE): official if present or pullable, else the stand-in; standin; official' },
  rebuild: { kind: 'switch', description: 'rebuild the stand-in images even when present (the Debian rootfs is kept)' },
};
const USAGE = `npm run images -- [options]\n${formatOptions(OPTIONS)}`;

function parseRuntimes(value: string | undefined): PythonRuntime[] {
  if (value === undefined) return ['python3.13'];
  if (value === 'all') return [...STANDIN_RUNTIMES];
  return value.split(',').map((runtime) => runtimeFacts(runtime).runtime);
}

runCli(async () => {
  const args = parseOptionsOnly(process.argv.slice(2), OPTIONS, USAGE);
  const runtimes = parseRuntimes(args.values.runtime);
  const base = parseBaseChoice(args.values.base ?? defaultBaseChoice(), '--base');
  const architecture = hostArchitecture();
  for (const runtime of runtimes) {
    const started = Date.now();
    const resolved = await resolveRuntimeBase(runtime, architecture, base, stderrLog, { rebuildStandin: args.switches.rebuild });
    console.log(
      `${runtime} ${architecture}: ${resolved.description}\n` +
        `  run image:   ${resolved.image}  ${resolved.imageId}\n` +
        `  build image: ${resolved.buildImage}\n` +
        `  ready in ${formatSeconds(Date.now() - started)}`,
    );
  }
  return 0;
});
