/**
 * The tiny model in local S3: builds `.work/model/model.tar.gz` with
 * scripts/model/make_tiny_model.py when missing, uploads it to the model bucket under the seeds'
 * key layout (`resourceNames(env).modelKey` = distilbert/v1.0.0/model.tar.gz).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentName, resourceNames } from '../../model/resources';
import { runLocalAws } from './local-aws-cli';
import { REPO_ROOT } from '../../model/paths';
import { ensurePythonVenv, venvBin } from '../build/python-venv';
import { runProcess } from '../process/run-process';

export const TINY_MODEL_ARCHIVE = path.join(REPO_ROOT, '.work', 'model', 'model.tar.gz');
const MAKE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'model', 'make_tiny_model.py');

export interface EnsureTinyModelOptions {
  /** @default .work/model/model.tar.gz */
  readonly archive?: string;
  /** Rebuild even when the archive exists. @default false */
  readonly rebuild?: boolean;
  /** @default discarded */
  readonly log?: (line: string) => void;
}

/** Path of the tiny model archive, made (with the venv's torch + transformers) when missing. */
export async function ensureTinyModel(options: EnsureTinyModelOptions = {}): Promise<string> {
  const archive = options.archive ?? TINY_MODEL_ARCHIVE;
  if (fs.existsSync(archive) && !options.rebuild) return archive;
  options.log?.(`making the tiny model at ${archive}`);
  await ensurePythonVenv({ ml: true, log: options.log });
  const result = await runProcess(venvBin('python'), [MAKE_SCRIPT, '--out', archive], {
    cwd: REPO_ROOT,
    tailLines: 10,
    label: `Making the tiny model: ${path.relative(REPO_ROOT, MAKE_SCRIPT)}`,
    hint: 'Likely cause: torch/transformers missing in .work/venv (scripts/setup-python.sh --ml).',
  });
  if (!fs.existsSync(archive)) {
    throw new Error(`Making the tiny model failed: ${path.relative(REPO_ROOT, MAKE_SCRIPT)} exited 0 but wrote no ${archive}.`);
  }
  options.log?.(result.output.trim());
  return archive;
}

export interface UploadModelOptions {
  /** The local AWS endpoint (`MotoServer.endpoint`); the bucket must exist (seedLocalAws). */
  readonly endpoint: string;
  /** @default the tiny model, made when missing */
  readonly archive?: string;
  /** @default 'local' */
  readonly environment?: EnvironmentName;
  /** @default discarded */
  readonly log?: (line: string) => void;
}

export interface UploadedModel {
  /** `s3://<bucket>/distilbert/v1.0.0/model.tar.gz`: the function's MODEL_S3_URI. */
  readonly s3Uri: string;
  readonly bytes: number;
  readonly archive: string;
}

export async function uploadModel(options: UploadModelOptions): Promise<UploadedModel> {
  const names = resourceNames(options.environment ?? 'local');
  const archive = options.archive ?? (await ensureTinyModel({ log: options.log }));
  if (!fs.existsSync(archive)) {
    throw new Error(`uploadModel: the model archive ${archive} does not exist.`);
  }
  const result = await runLocalAws<{ s3Uri: string; bytes: number }>(options.endpoint, 'upload-file', {
    file: archive,
    bucket: names.modelBucket,
    key: names.modelKey,
  });
  if (result.s3Uri !== names.modelS3Uri) {
    throw new Error(`uploadModel: uploaded to ${result.s3Uri} but the functions read ${names.modelS3Uri}.`);
  }
  options.log?.(`model uploaded to ${result.s3Uri} (${result.bytes} bytes)`);
  return { s3Uri: result.s3Uri, bytes: result.bytes, archive };
}
