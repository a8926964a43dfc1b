/**
 * npm run images -- [--runtime python3.13|python3.11|python3.12|all] [--base auto|standin|official] [--rebuild]
 *
 * Builds or resolves the runtime bases ahead of time (CI calls it before the tests), printing
 * what it did and which base each runtime will run on.
 */
import { PythonRuntime, SUPPORTED_RUNTIMES, runtimeFacts } from '../../lambdas/runtimes';
import { DockerUnavailableError } from '../docker/docker-cli';
import { formatSeconds, stderrLog } from '../build/progress';
import { BaseChoice, defaultBaseChoice, hostArchitecture, parseBaseChoice, resolveRuntimeBase } from '../images/runtime-base';

/** Runtimes `all` covers: those with a stand-in (python3.12 has none, only the official image). */
const STANDIN_RUNTIMES = SUPPORTED_RUNTIMES.filter((runtime) => runtimeFacts(runtime).standInDebianSuite);

interface ImagesArgs {
  readonly runtimes: readonly PythonRuntime[];
  readonly base: BaseChoice;
  readonly rebuild: boolean;
}

const USAGE = `Usage: npm run images -- [--runtime python3.13|python3.11|python3.12|all] [--base auto|standin|official] [--rebuild]
  --runtime  which runtime's base to prepare; 'all' = ${STANDIN_RUNTIMES.join(', ')}  (default: python3.13)
  --base     auto: official image if present or pullable, else the local stand-in (default: $LAMBDA_BASE or auto)
             standin: always the local stand-in; official: fail unless the official image can be had
  --rebuild  rebuild the stand-in images even when present (the Debian rootfs is kept)`;

export function parseImagesArgs(argv: readonly string[]): ImagesArgs {
  let runtimes: PythonRuntime[] = ['python3.13'];
  let base = defaultBaseChoice();
  let rebuild = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value.\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--runtime': {
        const v = value();
        runtimes = v === 'all' ? [...STANDIN_RUNTIMES] : v.split(',').map((r) => runtimeFacts(r).runtime);
        break;
      }
      case '--base':
        base = parseBaseChoice(value(), '--base');
        break;
      case '--rebuild':
        rebuild = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        throw new Error(`Unknown argument '${arg}'.\n${USAGE}`);
    }
  }
  return { runtimes, base, rebuild };
}

async function main(): Promise<void> {
  const args = parseImagesArgs(process.argv.slice(2));
  const architecture = hostArchitecture();
  for (const runtime of args.runtimes) {
    const started = Date.now();
    const base = await resolveRuntimeBase(runtime, architecture, args.base, stderrLog, { rebuildStandin: args.rebuild });
    process.stdout.write(
      `${runtime} ${architecture}: ${base.description}\n` +
        `  run image:   ${base.image}  ${base.imageId}\n` +
        `  build image: ${base.buildImage}\n` +
        `  ready in ${formatSeconds(Date.now() - started)}\n`,
    );
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${error instanceof DockerUnavailableError ? '' : 'images: '}${message}\n`);
  process.exit(1);
});
