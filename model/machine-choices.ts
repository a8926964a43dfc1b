import { PythonRuntime } from './runtimes';

/**
 * The catalog's choices that depend on the machine (which wheels it has, which packaging the user
 * switched on), named by the environment variable that sets each. `verify` resolves them once and
 * records them in the manifest; synthesis deploys what was recorded (`catalogFor`).
 */
export interface MachineChoices {
  readonly ANALYSIS_RUNTIME: PythonRuntime;
  readonly DASHBOARD_PACKAGING: 'zip' | 'image';
}

/** Which function each choice shapes: the manifest keeps a choice with that function's entry. */
export const MACHINE_CHOICE_OF: Readonly<Record<keyof MachineChoices, string>> = {
  ANALYSIS_RUNTIME: 'analysis',
  DASHBOARD_PACKAGING: 'dashboard',
};

