/**
 * The options that describe one function directory, shared by `verify --dir` and `emulate --dir`
 * so both read the same flags the same way: --dir, --handler, --runtime, --memory, --timeout,
 * --env K=V (repeatable), --image, --health.
 */
import { FunctionSpec } from '../../model/function-spec';
import { MEMORY_RANGE_MB, TIMEOUT_RANGE_SECONDS } from '../../model/lambda-limits';
import { adHocFunction } from '../pipeline/ad-hoc-function';
import { OptionSpec, ParsedArgs, UsageError } from './cli-args';

export const FUNCTION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  dir: { kind: 'value', description: 'a function directory (handler module + requirements.txt, or a Dockerfile) instead of catalog functions' },
  runtime: { kind: 'value', description: 'with --dir: python3.13 (default), python3.11, python3.12' },
  handler: { kind: 'value', description: 'with --dir: module.function (default handler.lambda_handler)' },
  memory: { kind: 'value', description: 'with --dir: memory in MB, 128-10240 (default 512)' },
  timeout: { kind: 'value', description: 'with --dir: timeout in seconds, 1-900 (default 30)' },
  env: { kind: 'repeatable', description: 'with --dir: environment variable NAME=VALUE (repeatable)' },
  image: { kind: 'switch', description: 'with --dir: build its Dockerfile as an image function' },
  health: { kind: 'value', description: 'with --dir: GET this path through the Function URL as the health check' },
};

const DIR_ONLY = ['runtime', 'handler', 'memory', 'timeout', 'health'] as const;

/** The ad-hoc function the options describe, or undefined without --dir (then dir-only options are refused). */
export function functionFromOptions(args: ParsedArgs, usage: string): FunctionSpec | undefined {
  if (!args.values.dir) {
    for (const flag of DIR_ONLY) {
      if (args.values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --dir.`, usage);
    }
    if ((args.lists.env ?? []).length > 0) throw new UsageError('--env only applies with --dir.', usage);
    if (args.switches.image) throw new UsageError('--image only applies with --dir.', usage);
    return undefined;
  }
  const environment: Record<string, string> = {};
  for (const item of args.lists.env ?? []) {
    const equals = item.indexOf('=');
    if (equals <= 0) throw new UsageError(`--env takes NAME=VALUE, got '${item}'.`, usage);
    environment[item.slice(0, equals)] = item.slice(equals + 1);
  }
  try {
    return adHocFunction({
      dir: args.values.dir,
      runtime: args.values.runtime,
      handler: args.values.handler,
      image: args.switches.image || undefined,
      healthPath: args.values.health,
      memoryMb: integerOption(args.values.memory, '--memory', MEMORY_RANGE_MB, 'MB', usage),
      timeoutSeconds: integerOption(args.values.timeout, '--timeout', TIMEOUT_RANGE_SECONDS, 'seconds', usage),
      environment,
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message, usage);
  }
}

/** A whole number within Lambda's limits, so a typo stops before anything builds. */
function integerOption(
  raw: string | undefined, flag: string, range: { readonly min: number; readonly max: number }, unit: string, usage: string,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < range.min || value > range.max) {
    throw new UsageError(`${flag} must be a whole number of ${unit} from ${range.min} to ${range.max} (Lambda's limits), got '${raw}'.`, usage);
  }
  return value;
}
