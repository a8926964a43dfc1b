/** What exists on the local AWS server, listed by aws-inventory.py (real boto3) as the local account. */
import * as path from 'node:path';
import { LOCAL_AWS_ENV } from '../../../model/local-aws-account';
import { venvBin } from '../../../harness/build/python-venv';
import { runProcess } from '../../../harness/process/run-process';

export interface AwsInventory {
  readonly inventory: Record<string, string[]>;
  /** Per Lambda function, its configuration (with `details`). */
  readonly details: Record<string, Record<string, unknown>>;
}

export async function readAwsInventory(endpoint: string, details = false): Promise<AwsInventory> {
  const result = await runProcess(venvBin('python'), [path.join(__dirname, 'aws-inventory.py'), endpoint, ...(details ? ['--details'] : [])], {
    env: { ...process.env, ...LOCAL_AWS_ENV },
    label: 'aws-inventory.py',
  });
  return JSON.parse(result.stdout) as AwsInventory;
}
