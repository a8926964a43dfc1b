/**
 * `--engine emulator|rie|all` for commands that compare engines side by side (`conformance`,
 * `bench`): repeatable or a comma list, `all` (the default) meaning both, in a fixed order.
 */
import { ENGINE_NAMES, EngineName } from '../pipeline/served-function';
import { UsageError } from './cli-args';

export const ENGINES_OPTION_HELP = `emulator, rie or all (default all; repeatable or a comma list)`;

export function parseEngines(values: readonly string[], usage: string): EngineName[] {
  const names = values.flatMap((value) => value.split(',')).map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0 || names.includes('all')) return [...ENGINE_NAMES];
  const unknown = names.filter((name) => !(ENGINE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`--engine must be ${ENGINE_NAMES.join(', ')} or all, got '${unknown.join(', ')}'.`, usage);
  return ENGINE_NAMES.filter((name) => names.includes(name));
}
