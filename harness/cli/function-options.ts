/**
 * The options that describe a function outside the catalog (`--dir`), shared by the commands
 * that take one (`verify --dir`, `emulate --dir`): --handler --runtime --memory --timeout --env K=V.
 * Values are checked here against Lambda's limits, so a typo stops before anything builds.
 */
import { MEMORY_RANGE_MB, TIMEOUT_RANGE_SECONDS } from '../../lambdas/function-spec';
import { OptionSpec, ParsedArgs, UsageError } from './cli-args';

export const FUNCTION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  handler: { kind: 'value', description: 'with --dir: module.function (default handler.lambda_handler)' },
  runtime: { kind: 'value', description: 'with --dir: python3.13 (default), python3.11, python3.12' },
  memory: { kind: 'value', description: `with --dir: memory in MB, ${MEMORY_RANGE_MB.min}-${MEMORY_RANGE_MB.max} (default 512)` },
  timeout: { kind: 'value', description: `with --dir: timeout in seconds, ${TIMEOUT_RANGE_SECONDS.min}-${TIMEOUT_RANGE_SECONDS.max} (default 30)` },
  env: { kind: 'repeatable', description: 'with --dir: NAME=VALUE environment variable of the function (repeatable)' },
};

export interface FunctionOptions {
  readonly handler?: string;
  readonly runtime?: string;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** @default {} */
  readonly environment: Readonly<Record<string, string>>;
}

/** Reads the function options out of parsed arguments (parsed with FUNCTION_OPTIONS among the command's options). */
export function parseFunctionOptions(args: ParsedArgs, usage: string): FunctionOptions {
  const environment: Record<string, string> = {};
  for (const item of args.lists.env ?? []) {
    const equals = item.indexOf('=');
    if (equals <= 0) throw new UsageError(`--env takes NAME=VALUE, got '${item}'.`, usage);
    environment[item.slice(0, equals)] = item.slice(equals + 1);
  }
  return {
    handler: args.values.handler,
    runtime: args.values.runtime,
    memoryMb: integerOption(args.values.memory, '--memory', MEMORY_RANGE_MB.min, MEMORY_RANGE_MB.max, 'MB', usage),
    timeoutSeconds: integerOption(args.values.timeout, '--timeout', TIMEOUT_RANGE_SECONDS.min, TIMEOUT_RANGE_SECONDS.max, 'seconds', usage),
    environment,
  };
}

/** Names of the function options that were given (commands refuse them without --dir). */
export function functionOptionsGiven(args: ParsedArgs): string[] {
  return Object.keys(FUNCTION_OPTIONS).filter((name) =>
    FUNCTION_OPTIONS[name].kind === 'repeatable' ? (args.lists[name] ?? []).length > 0 : args.values[name] !== undefined);
}

function integerOption(raw: string | undefined, flag: string, min: number, max: number, unit: string, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number of ${unit} from ${min} to ${max} (Lambda's limits), got '${raw}'.`, usage);
  }
  return value;
}
