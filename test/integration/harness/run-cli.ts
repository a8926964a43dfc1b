/** Runs one of the harness's npm commands the way a user does, capturing output and exit code. */
import * as path from 'node:path';
import { runProcessAllowingFailure } from '../../../harness/process/run-process';

export const REPO = path.resolve(__dirname, '..', '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export async function runCli(script: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  // As `npm run` starts them: node with tsx's loader, no wrapper process in between.
  const result = await runProcessAllowingFailure(process.execPath, ['--import', 'tsx', path.join(REPO, 'harness', 'cli', script), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
  });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, ms: result.durationMs };
}
