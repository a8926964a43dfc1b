/**
 * The project's Python virtualenv (.work/venv): where the moto server and the pytest suites run.
 * `scripts/setup-python.sh` makes it; this module finds it and makes it on demand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { runProcess, runProcessAllowingFailure } from '../process/run-process';

export const VENV_DIR = path.join(REPO_ROOT, '.work', 'venv');
export const SETUP_SCRIPT = path.join(REPO_ROOT, 'scripts', 'setup-python.sh');

export function venvBin(name: string): string {
  return path.join(VENV_DIR, 'bin', name);
}

export interface EnsureVenvOptions {
  /** Also install torch (CPU) + transformers (`setup-python.sh --ml`). @default false */
  readonly ml?: boolean;
  /** Receives the setup script's output lines. @default discarded */
  readonly log?: (line: string) => void;
}

/**
 * Runs `scripts/setup-python.sh` (idempotent: a no-op in milliseconds when nothing changed).
 * Rejects with the script's output when it fails.
 */
export async function ensurePythonVenv(options: EnsureVenvOptions = {}): Promise<void> {
  const args = [SETUP_SCRIPT, ...(options.ml ? ['--ml'] : [])];
  await runProcess('bash', args, {
    cwd: REPO_ROOT,
    collect: false,
    tailLines: 15,
    label: `Setting up the Python virtualenv: bash ${path.relative(REPO_ROOT, SETUP_SCRIPT)}${options.ml ? ' --ml' : ''}`,
    onLine: (line) => options.log?.(line),
    hint: 'Likely cause: no python3/python3-venv, or PyPI unreachable. Run the script by hand to see everything.',
  });
}

/** True when the venv has the given executable (e.g. `moto_server`). */
export function venvHas(name: string): boolean {
  return fs.existsSync(venvBin(name));
}

/** Runs a tool installed in the venv (`uv`, `cyclonedx-py`), collecting its output; the caller judges the exit code. */
export async function runVenvTool(name: string, args: readonly string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await runProcessAllowingFailure(venvBin(name), args, { cwd });
  return { code: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}
