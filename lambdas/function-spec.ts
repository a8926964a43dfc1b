/**
 * The shape of one function's declaration in the catalog, and its validation.
 * The stacks and the harness both read these declarations; nothing is described twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Architecture, PythonRuntime, assertArchitecture, runtimeFacts } from './runtimes';
import { EnvironmentName, SecretId } from './resources';

export type Packaging = 'zip' | 'image';

/**
 * A value an environment variable takes from the deployment it runs in
 * (the stacks pass Terraform references, the harness passes the local server's names).
 */
export type EnvironmentValue =
  | string
  | { readonly ref: 'table-name' }
  | { readonly ref: 'topic-arn' }
  | { readonly ref: 'model-s3-uri' }
  | { readonly ref: 'environment-name' }
  | { readonly ref: 'newsapi-base-url' }
  | { readonly ref: 'secret-arn'; readonly secret: SecretId };

export interface CorsSpec {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  /** @default [] */
  readonly exposeHeaders?: readonly string[];
  /** @default 0 */
  readonly maxAgeSeconds?: number;
  /** @default false */
  readonly allowCredentials?: boolean;
}

export interface FunctionUrlSpec {
  readonly authType: 'NONE' | 'AWS_IAM';
  readonly invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  /** CORS per environment; `*` origins are allowed in `preprod` and `local` only. */
  readonly cors: Readonly<Record<EnvironmentName, CorsSpec>>;
}

/** Least-privilege declaration: what the function touches, and how. */
export interface UsesSpec {
  /** @default none */
  readonly table?: 'read' | 'read-write';
  /** @default none */
  readonly topic?: 'publish';
  /** Read access to the model archive's prefix only. @default none */
  readonly modelBucket?: 'read';
  /** @default [] */
  readonly secrets?: readonly SecretId[];
}

/**
 * Where an asynchronous event (SNS, schedule, `Event` invoke) goes once Lambda's two retries
 * have failed: `sqs-dlq` is an SQS queue of the function's own, the on-failure destination
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
export type OnFailureSpec = { readonly kind: 'sqs-dlq' };

export type TriggerSpec =
  | { readonly kind: 'schedule'; readonly expression: string }
  | { readonly kind: 'sns' };

/** A check the suite runs against the function, locally or against a deployed URL. */
export type SmokeCheck =
  | {
      readonly kind: 'http';
      readonly name: string;
      readonly method: 'GET' | 'POST';
      readonly path: string;
      /** @default {} */
      readonly headers?: Readonly<Record<string, string>>;
      /** @default none */
      readonly body?: string;
      readonly expectStatus: number;
      /** Keys/values the JSON response body must contain (subset match). @default none */
      readonly expectJson?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'invoke';
      readonly name: string;
      readonly event: unknown;
      /** Keys/values the JSON result must contain (subset match). @default none */
      readonly expectJson?: Readonly<Record<string, unknown>>;
      /** The Lambda errorType the invoke must fail with. @default success expected */
      readonly expectErrorType?: string;
    };

export interface ImageSpec {
  /** Dockerfile path relative to the function's source directory. @default 'Dockerfile' */
  readonly dockerfile?: string;
  /** @default {} */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /**
   * Copy matching wheels from the host's `PIP_FIND_LINKS` into `.local-wheels/` of the build
   * context, for wheels no reachable index serves (CPU-only torch). @default []
   */
  readonly localWheels?: readonly string[];
}

export interface FunctionSpec {
  /** Short name, also the function's key in the catalog: `dashboard`. */
  readonly name: string;
  readonly description: string;
  /** Source directory relative to the repository root: `lambdas/dashboard`. */
  readonly sourceDir: string;
  readonly packaging: Packaging;
  readonly runtime: PythonRuntime;
  readonly architecture: Architecture;
  /** `module.function`; for images, the image's CMD. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** `/tmp` size in MB, 512 to 10,240, separate from memory. @default 512 */
  readonly ephemeralStorageMb?: number;
  /** On-failure destination of asynchronous events. @default none (failures are logged only) */
  readonly onFailure?: OnFailureSpec;
  /** @default {} */
  readonly environment?: Readonly<Record<string, EnvironmentValue>>;
  /** @default {} */
  readonly uses?: UsesSpec;
  /** @default no Function URL */
  readonly url?: FunctionUrlSpec;
  /** @default no trigger */
  readonly trigger?: TriggerSpec;
  /** Path answered with 200 JSON through the Function URL. @default no health check */
  readonly healthPath?: string;
  /** @default [] */
  readonly smokeChecks?: readonly SmokeCheck[];
  /** Required when packaging is `image`. */
  readonly image?: ImageSpec;
}

export const MEMORY_RANGE_MB = { min: 128, max: 10240 } as const;
export const TIMEOUT_RANGE_SECONDS = { min: 1, max: 900 } as const;
/** https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html */
export const EPHEMERAL_STORAGE_RANGE_MB = { min: 512, max: 10240 } as const;
const HANDLER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)*\.[A-Za-z_][A-Za-z0-9_]*$/;
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Validates a declaration early, with messages that show the value received and what to fix.
 * `repoRoot` is used to check that the source directory exists.
 */
export function validateFunctionSpec(spec: FunctionSpec, repoRoot?: string): FunctionSpec {
  const where = `function '${spec.name}'`;
  if (!NAME_PATTERN.test(spec.name)) {
    throw new Error(`${where}: name must match ${NAME_PATTERN} (lower-case, digits, dashes), got '${spec.name}'.`);
  }
  runtimeFacts(spec.runtime);
  assertArchitecture(spec.architecture);
  if (spec.packaging !== 'zip' && spec.packaging !== 'image') {
    throw new Error(`${where}: packaging must be 'zip' or 'image', got '${String(spec.packaging)}'.`);
  }
  assertLambdaSettings(where, spec);
  if (spec.onFailure !== undefined && spec.onFailure.kind !== 'sqs-dlq') {
    throw new Error(`${where}: onFailure.kind must be 'sqs-dlq' (an SQS queue of the function's own), got '${String((spec.onFailure as { kind?: unknown }).kind)}'.`);
  }
  if (spec.packaging === 'image' && !spec.image) {
    throw new Error(`${where}: packaging 'image' needs an 'image' section (at least {}), got none.`);
  }
  for (const env of ['prod'] as const) {
    const origins = spec.url?.cors[env]?.allowOrigins ?? [];
    if (origins.includes('*')) {
      throw new Error(`${where}: CORS allowOrigins '*' is allowed in preprod and local only, not in ${env}. List the dashboard's origins.`);
    }
  }
  if (repoRoot !== undefined) {
    const dir = path.resolve(repoRoot, spec.sourceDir);
    if (!fs.existsSync(dir)) {
      throw new Error(`${where}: source directory '${spec.sourceDir}' does not exist (looked in ${dir}).`);
    }
  }
  return spec;
}

/** Handler, memory and timeout within Lambda's limits; shared by the catalog and the CDKTF modules. */
export function assertLambdaSettings(
  where: string,
  settings: { readonly handler?: string; readonly memoryMb: number; readonly timeoutSeconds: number; readonly ephemeralStorageMb?: number },
): void {
  if (!settings.handler || !HANDLER_PATTERN.test(settings.handler)) {
    throw new Error(
      `${where}: handler is required and must look like 'module.function' (e.g. 'handler.lambda_handler'), got '${settings.handler ?? ''}'.`,
    );
  }
  const { memoryMb, timeoutSeconds, ephemeralStorageMb } = settings;
  if (ephemeralStorageMb !== undefined && (!Number.isInteger(ephemeralStorageMb) || ephemeralStorageMb < EPHEMERAL_STORAGE_RANGE_MB.min || ephemeralStorageMb > EPHEMERAL_STORAGE_RANGE_MB.max)) {
    throw new Error(
      `${where}: ephemeralStorageMb (the /tmp size) must be an integer from ${EPHEMERAL_STORAGE_RANGE_MB.min} to ${EPHEMERAL_STORAGE_RANGE_MB.max} (Lambda's limits), got ${ephemeralStorageMb}.`,
    );
  }
  if (!Number.isInteger(memoryMb) || memoryMb < MEMORY_RANGE_MB.min || memoryMb > MEMORY_RANGE_MB.max) {
    throw new Error(
      `${where}: memoryMb must be an integer from ${MEMORY_RANGE_MB.min} to ${MEMORY_RANGE_MB.max} (Lambda's limits), got ${memoryMb}.`,
    );
  }
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < TIMEOUT_RANGE_SECONDS.min || timeoutSeconds > TIMEOUT_RANGE_SECONDS.max) {
    throw new Error(
      `${where}: timeoutSeconds must be an integer from ${TIMEOUT_RANGE_SECONDS.min} to ${TIMEOUT_RANGE_SECONDS.max} (Lambda's limits), got ${timeoutSeconds}.`,
    );
  }
}

/** Resolves the declared environment for one deployment, given the value of each reference. */
export function resolveEnvironment(
  spec: FunctionSpec,
  resolveRef: (value: Exclude<EnvironmentValue, string>) => string,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.environment ?? {})) {
    resolved[key] = typeof value === 'string' ? value : resolveRef(value);
  }
  return resolved;
}
