/**
 * The project's Python virtualenv (.work/venv): where the moto server and the pytest suites run.
 * `scripts/setup-python.sh` makes it; this module finds it and makes it on demand.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../lambdas/catalog';
import { stopOnShutdown } from '../lifecycle/shutdown';

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
export function ensurePythonVenv(options: EnsureVenvOptions = {}): Promise<void> {
  const args = [SETUP_SCRIPT, ...(options.ml ? ['--ml'] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    stopOnShutdown(child);
    const output: string[] = [];
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        options.log?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      reject(
        new Error(
          [
            `Setting up the Python virtualenv failed: bash ${path.relative(REPO_ROOT, SETUP_SCRIPT)}${options.ml ? ' --ml' : ''} exited ${code}.`,
            '  Last output:',
            ...output.slice(-15).map((line) => `    ${line}`),
            '  Likely cause: no python3/python3-venv, or PyPI unreachable. Run the script by hand to see everything.',
          ].join('\n'),
        ),
      );
    });
  });
}

/** True when the venv has the given executable (e.g. `moto_server`). */
export function venvHas(name: string): boolean {
  return fs.existsSync(venvBin(name));
}

/** Runs a tool installed in the venv (`uv`, `cyclonedx-py`), collecting its output. */
export function runVenvTool(name: string, args: readonly string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvBin(name), args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
