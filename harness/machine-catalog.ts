/**
 * The catalog as this machine resolves it: the one step that reads the machine (environment
 * variables, the local wheels in `PIP_FIND_LINKS`) and hands the facts to the pure catalog.
 * Resolved on first use, never at import: `--help` and commands that need no catalog never fail on
 * a bad `ANALYSIS_RUNTIME`.
 */
import * as fs from 'node:fs';
import { MachineFacts, catalogFor, resolveMachineChoices } from '../lambdas/catalog';
import { FunctionSpec } from '../model/function-spec';
import { MachineChoices } from '../model/machine-choices';
import { findLinksDirectories } from './build/local-wheels';
import { ConfigurationError } from '../model/error-codes';

/** Reads this machine's facts. */
export function readMachineFacts(env: NodeJS.ProcessEnv = process.env): MachineFacts {
  const localWheelFiles = findLinksDirectories(env.PIP_FIND_LINKS).flatMap((dir) => fs.readdirSync(dir));
  return { env, localWheelFiles };
}

let resolved: { readonly choices: MachineChoices; readonly catalog: readonly FunctionSpec[] } | undefined;

function resolve(): NonNullable<typeof resolved> {
  if (!resolved) {
    const choices = resolveMachineChoices(readMachineFacts());
    resolved = { choices, catalog: catalogFor(choices) };
  }
  return resolved;
}

/** This machine's choices, resolved once per process. */
export function machineChoices(): MachineChoices {
  return resolve().choices;
}

/** The catalog for this machine's choices. */
export function machineCatalog(): readonly FunctionSpec[] {
  return resolve().catalog;
}

export function catalogEntry(name: string): FunctionSpec {
  const catalog = machineCatalog();
  const spec = catalog.find((candidate) => candidate.name === name);
  if (!spec) {
    throw new ConfigurationError(`No function '${name}' in the catalog. Known: ${catalog.map((s) => s.name).join(', ')}.`);
  }
  return spec;
}
