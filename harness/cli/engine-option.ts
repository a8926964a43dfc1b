/**
 * `--engine emulator|rie` of verify and emulate: which Lambda emulation boots the functions.
 * Lives with the CLIs (it throws a UsageError) so the pipeline never imports the CLI layer.
 */
import { ENGINE_NAMES, EngineName } from '../pipeline/served-function';
import { UsageError } from './cli-args';

/** Reads `--engine`; unknown names stop the command with the choices. */
export function parseEngine(value: string | undefined, usage: string): EngineName {
  if (value === undefined) return 'emulator';
  if ((ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName;
  throw new UsageError(`--engine must be ${ENGINE_NAMES.join(' or ')}, got '${value}'.`, usage);
}
