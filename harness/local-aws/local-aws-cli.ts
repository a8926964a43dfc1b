/**
 * Runs one operation of `local_aws.py` (real boto3 from .work/venv) against the local AWS server.
 * boto3 speaks the AWS protocols exactly as the functions do, so seeding cannot drift from them.
 */
import * as path from 'node:path';
import { LOCAL_AWS_ENV } from '../../model/local-aws-account';
import { ensurePythonVenv, venvBin, venvHas } from '../build/python-venv';
import { lastLines } from '../process/output-tail';
import { runProcessAllowingFailure } from '../process/run-process';

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
  | 'put-image'
  | 'send-message'
  | 'receive-messages';

export async function runLocalAws<T>(endpoint: string, command: LocalAwsCommand, input: unknown): Promise<T> {
  if (!/^https?:\/\//.test(endpoint)) {
    throw new Error(`Local AWS endpoint must be an http(s) URL such as http://127.0.0.1:5000, got '${endpoint}'.`);
  }
  if (!venvHas('python')) await ensurePythonVenv();
  const { exitCode: code, stdout, stderr } = await runProcessAllowingFailure(venvBin('python'), [SCRIPT, command, '--endpoint', endpoint], {
    env: { ...process.env, ...LOCAL_AWS_ENV },
    input: JSON.stringify(input),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(lastLines(stdout, 1)[0] ?? '');
  } catch {
    parsed = undefined;
  }
  if (code !== 0 || parsed === undefined || (typeof parsed === 'object' && parsed !== null && 'error' in parsed)) {
    const detail =
      typeof parsed === 'object' && parsed !== null && 'error' in parsed
        ? `${(parsed as { type?: string }).type}: ${(parsed as { error: string }).error}`
        : lastLines(stderr || stdout, 10).join('\n    ');
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
