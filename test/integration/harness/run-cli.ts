/** Runs one of the harness's npm commands the way a user does, capturing output and exit code. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function runCli(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // As `npm run` starts them: node with tsx's loader, no wrapper process in between.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'harness', 'cli', script), ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
