/**
 * What an execution environment boots: the image, its command, mounts and environment.
 * Built by the harness from an artifact; validated here, before any container starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EPHEMERAL_STORAGE_RANGE_MB } from '../../model/function-spec';
import { DEFAULT_EPHEMERAL_STORAGE_MB, DEFAULT_REGION, vcpusForMemory } from '../../model/lambda-limits';
import { LOCAL_AWS_ENV } from '../../model/local-aws-account';

export interface MountSpec {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

export interface LaunchSpec {
  /** Image that carries a runtime interface client: the stand-in, the official base or a function image. */
  readonly image: string;
  /** Arguments after the image's entrypoint: `[handler]` for a ZIP on a base, `[]` for an image's own CMD. */
  readonly command: readonly string[];
  /** ZIP functions: the extracted archive at /var/task, read-only. @default [] */
  readonly mounts?: readonly MountSpec[];
  /** The function's own environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  /** Size of `/tmp`, separate from memory (Lambda's ephemeral storage). @default 512 */
  readonly ephemeralStorageMb?: number;
  readonly timeoutSeconds: number;
  readonly functionName: string;
  /** `uid[:gid]` to run as. @default the image's USER */
  readonly user?: string;
  /** @default AWS_REGION of the host, else us-east-1 */
  readonly region?: string;
}

export function validateLaunchSpec(spec: LaunchSpec): LaunchSpec {
  const where = `launch spec for '${spec.functionName}'`;
  if (!spec.image) throw new Error(`${where}: image is empty; pass the runtime base or the function's image tag.`);
  if (!Number.isInteger(spec.memoryMb) || spec.memoryMb < 128) {
    throw new Error(`${where}: memoryMb must be an integer >= 128 (Lambda's minimum), got ${spec.memoryMb}.`);
  }
  const storage = spec.ephemeralStorageMb ?? DEFAULT_EPHEMERAL_STORAGE_MB;
  if (!Number.isInteger(storage) || storage < EPHEMERAL_STORAGE_RANGE_MB.min || storage > EPHEMERAL_STORAGE_RANGE_MB.max) {
    throw new Error(`${where}: ephemeralStorageMb must be an integer from ${EPHEMERAL_STORAGE_RANGE_MB.min} to ${EPHEMERAL_STORAGE_RANGE_MB.max} (Lambda's /tmp sizes), got ${spec.ephemeralStorageMb}.`);
  }
  if (!(spec.timeoutSeconds > 0)) throw new Error(`${where}: timeoutSeconds must be > 0, got ${spec.timeoutSeconds}.`);
  for (const mount of spec.mounts ?? []) {
    if (!path.isAbsolute(mount.hostPath) || !fs.existsSync(mount.hostPath)) {
      throw new Error(`${where}: mount source '${mount.hostPath}' must be an existing absolute path (for ${mount.containerPath}).`);
    }
  }
  return spec;
}

/**
 * The container's resource limits, in one place for whatever starts the container: memory is
 * the hard limit (no swap), CPU in proportion to memory, `/tmp` a disk-backed filesystem of its
 * own size (a tmpfs would be charged to the memory limit, which Lambda does not do).
 */
export interface SandboxLimits {
  readonly memoryMb: number;
  /** CFS quota in CPUs: memoryMb / 1769. */
  readonly cpus: number;
  readonly ephemeralStorageMb: number;
}

export function sandboxLimits(spec: LaunchSpec): SandboxLimits {
  return {
    memoryMb: spec.memoryMb,
    // Docker's smallest quota is 0.01 CPU; 128 MB gives 0.072.
    cpus: Math.max(0.01, Math.round(vcpusForMemory(spec.memoryMb) * 1000) / 1000),
    ephemeralStorageMb: spec.ephemeralStorageMb ?? DEFAULT_EPHEMERAL_STORAGE_MB,
  };
}

export function regionOf(spec: LaunchSpec): string {
  return spec.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
}

/**
 * The environment Lambda gives every execution environment. Reserved variables win over the
 * function's own (as in Lambda); credentials are fake unless the function brings its own.
 */
export function lambdaEnvironment(spec: LaunchSpec, runtimeApi: string): Record<string, string> {
  const region = regionOf(spec);
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  // The local account's credentials (moto accepts them, AWS refuses them, no scanner flags them).
  const fakeCredentials = {
    AWS_ACCESS_KEY_ID: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: LOCAL_AWS_ENV.AWS_SESSION_TOKEN,
  };
  const reserved: Record<string, string> = {
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  };
  if (spec.command.length > 0) reserved._HANDLER = spec.command[0];
  return { ...fakeCredentials, ...(spec.env ?? {}), ...reserved };
}
