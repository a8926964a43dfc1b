/**
 * Minimal, strict command-line parsing shared by the harness commands: unknown options stop the
 * command with its usage instead of being silently ignored.
 */
import { removeOwnedContainers } from '../docker/engine';
import { stoppedBySignal } from '../process/shutdown';
import { ConfigurationError, errorCodeOf } from '../../model/error-codes';

export interface OptionSpec {
  /** Takes a value (`--runtime python3.13`) or is a switch (`--image`). */
  readonly kind: 'value' | 'switch' | 'repeatable';
  readonly description: string;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Record<string, string | undefined>;
  readonly switches: Record<string, boolean>;
  readonly lists: Record<string, string[]>;
}

/** Bad options or arguments: a CONFIGURATION error whose message ends with the command's usage. */
export class UsageError extends ConfigurationError {
  constructor(message: string, readonly usage: string) {
    super(`${message}\n\n${usage}`);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: readonly string[], options: Readonly<Record<string, OptionSpec>>, usage: string): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], values: {}, switches: {}, lists: {} };
  for (const [name, spec] of Object.entries(options)) {
    if (spec.kind === 'switch') parsed.switches[name] = false;
    if (spec.kind === 'repeatable') parsed.lists[name] = [];
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new UsageError('Usage:', usage);
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const spec = options[name];
    if (!spec) throw new UsageError(`Unknown option --${name}.`, usage);
    if (spec.kind === 'switch') {
      parsed.switches[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`Option --${name} needs a value.`, usage);
    }
    if (spec.kind === 'repeatable') parsed.lists[name].push(value);
    else parsed.values[name] = value;
  }
  return parsed;
}

/** parseArgs for a command that takes options only: a bare argument is a usage error, not ignored. */
export function parseOptionsOnly(argv: readonly string[], options: Readonly<Record<string, OptionSpec>>, usage: string): ParsedArgs {
  const parsed = parseArgs(argv, options, usage);
  if (parsed.positionals.length > 0) throw new UsageError(`Unexpected argument '${parsed.positionals[0]}'.`, usage);
  return parsed;
}

export function formatOptions(options: Readonly<Record<string, OptionSpec>>): string {
  return Object.entries(options)
    .map(([name, spec]) => `  --${name}${spec.kind === 'switch' ? '' : ' <value>'}`.padEnd(28) + spec.description)
    .join('\n');
}

/** Runs a command's main, printing errors for people and choosing the exit code. */
export function runCli(main: () => Promise<number>): void {
  // Containers a failed run left behind go with it (one list call when there are none).
  const exit = (code: number): void => {
    const limit = new Promise((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([removeOwnedContainers().catch(() => 0), limit]).finally(() => process.exit(code));
  };
  main().then(
    (code) => {
      // A signal arrived: its handler is cleaning up and will exit; exiting now would cut it short.
      if (!stoppedBySignal()) exit(code);
    },
    (error: unknown) => {
      if (stoppedBySignal()) return;
      if (error instanceof UsageError) {
        console.error(error.message);
        return exit(2);
      }
      // The code says who acts (README "Error codes"); the message says what to do.
      console.error(`\nError [${errorCodeOf(error)}]: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.HARNESS_DEBUG && error instanceof Error) console.error(error.stack);
      exit(1);
    },
  );
}
