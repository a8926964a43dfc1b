/**
 * `--engine`: which Lambda emulation boots the functions. One engine for verify and emulate
 * (`emulator|rie`); several for the commands that compare engines side by side (`conformance`,
 * `bench`: `emulator|rie|all`, repeatable or a comma list). Lives with the CLIs (it throws a
 * UsageError) so the pipeline never imports the CLI layer.
 */
import { ENGINE_NAMES, EngineName } from '../pipeline/served-function';
import { UsageError } from './cli-args';

/** Reads `--engine`; unknown names stop the command with the choices. */
export function parseEngine(value: string | undefined, usage: string): EngineName {
  if (value === undefined) return 'emulator';
  if ((ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName;
  throw new UsageError(`--engine must be ${ENGINE_NAMES.join(' or ')}, got '${value}'.`, usage);
}

export const ENGINES_OPTION_HELP = `emulator, rie or all (default all; repeatable or a comma list)`;

/** `all` (the default) means both, in a fixed order. */
export function parseEngines(values: readonly string[], usage: string): EngineName[] {
  const names = values.flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0 || names.includes('all')) return [...ENGINE_NAMES];
  const unknown = names.filter((name) => !(ENGINE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`--engine must be ${ENGINE_NAMES.join(', ')} or all, got '${unknown.join(', ')}'.`, usage);
  return ENGINE_NAMES.filter((name) => names.includes(name));
}
