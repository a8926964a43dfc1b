/**
 * Runs one operation of `local_aws.py` (real boto3 from .work/venv) against the local AWS server.
 * boto3 speaks the AWS protocols exactly as the functions do, so seeding cannot drift from them.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { LOCAL_AWS_ENV } from './moto-server';
import { ensurePythonVenv, venvBin, venvHas } from './python-venv';
import { stopOnShutdown } from '../lifecycle/shutdown';

const SCRIPT = path.join(__dirname, 'local_aws.py');

export type LocalAwsCommand =
  | 'seed'
  | 'upload-file'
  | 'object-exists'
  | 'subscribe-http'
  | 'unsubscribe'
  | 'publish'
  | 'scan-items'
  | 'put-items'
  | 'put-image';

export async function runLocalAws<T>(endpoint: string, command: LocalAwsCommand, input: unknown): Promise<T> {
  if (!/^https?:\/\//.test(endpoint)) {
    throw new Error(`Local AWS endpoint must be an http(s) URL such as http://127.0.0.1:5000, got '${endpoint}'.`);
  }
  if (!venvHas('python')) await ensurePythonVenv();
  const { code, stdout, stderr } = await run(venvBin('python'), [SCRIPT, command, '--endpoint', endpoint], JSON.stringify(input));
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    parsed = undefined;
  }
  if (code !== 0 || parsed === undefined || (typeof parsed === 'object' && parsed !== null && 'error' in parsed)) {
    const detail =
      typeof parsed === 'object' && parsed !== null && 'error' in parsed
        ? `${(parsed as { type?: string }).type}: ${(parsed as { error: string }).error}`
        : (stderr || stdout).trim().split('\n').slice(-10).join('\n    ');
    throw new Error(
      [
        `Local AWS operation '${command}' against ${endpoint} failed (exit ${code}).`,
        `    ${detail}`,
        '  Likely cause: the moto server is not running at that endpoint, or was restarted and lost its state (seed it again).',
      ].join('\n'),
    );
  }
  return parsed as T;
}

function run(cmd: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...LOCAL_AWS_ENV } });
    stopOnShutdown(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.end(input);
  });
}
