/**
 * The shape of one function's declaration in the catalog, and its validation.
 * The stacks and the harness both read these declarations; nothing is described twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Architecture, PythonRuntime, assertArchitecture, runtimeFacts } from './runtimes';
import { EnvironmentName, SecretId } from './resources';
import { RESERVED_ENVIRONMENT_DOCS, reservedVariablesIn } from './reserved-environment';
import { assertLambdaSettings } from './lambda-limits';
import { ConfigurationError } from './error-codes';
import { FunctionUrlCors } from './function-url-cors';

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

/** A function's Function URL CORS (model/function-url-cors.ts holds AWS's shape). */
export type CorsSpec = FunctionUrlCors;

export interface FunctionUrlSpec {
  readonly authType: 'NONE' | 'AWS_IAM';
  readonly invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  /** CORS per environment; `*` origins are allowed in `preprod` and `local` only. */
  readonly cors: Readonly<Record<EnvironmentName, CorsSpec>>;
}

/** The actions `uses` may grant, per resource (those the boto3 calls of our functions map to). */
export const GRANTABLE_ACTIONS = {
  table: [
    'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PutItem',
    'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable',
  ],
  topic: ['sns:Publish'],
  modelBucket: ['s3:GetObject'],
} as const;
export type TableAction = (typeof GRANTABLE_ACTIONS.table)[number];
export type TopicAction = (typeof GRANTABLE_ACTIONS.topic)[number];
export type ModelBucketAction = (typeof GRANTABLE_ACTIONS.modelBucket)[number];

/**
 * Least privilege per call: the exact actions the function's code calls on each shared resource
 * (what its boto3 calls need, nothing more). The stacks grant exactly these, one statement per
 * resource; a test compares them with the calls in the handlers' sources.
 */
export interface UsesSpec {
  /** Actions on the items table, e.g. `['dynamodb:Scan']`. @default none */
  readonly table?: readonly TableAction[];
  /** @default none */
  readonly topic?: readonly TopicAction[];
  /** Actions on the model archive's prefix only, e.g. `['s3:GetObject']`. @default none */
  readonly modelBucket?: readonly ModelBucketAction[];
  /** Secrets the function reads (`secretsmanager:GetSecretValue` on each, nothing else). @default [] */
  readonly secrets?: readonly SecretId[];
}

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

/**
 * An event the boot check of `npm run verify` invokes the function with, through the Runtime API;
 * it must succeed (no error, and for a Function URL event no 5xx status).
 */
export interface TestEvent {
  readonly name: string;
  /** The AWS documentation page whose event shape it follows. @default none */
  readonly documentation?: string;
  readonly event: unknown;
  /** For Function URL events: the `statusCode` the result must carry. @default any status below 500 */
  readonly expectStatus?: number;
}

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

/**
 * A finding of static inspection accepted for this function, and why. It no longer fails verify,
 * and every report still shows it, with the reason. The rule pack, not the catalog, sets how
 * severe a finding is.
 */
export interface InspectionAcknowledgement {
  /** Id of a rule of the pack (harness/inspect/rules/), e.g. `'image-size'`. */
  readonly rule: string;
  /** Why the finding is acceptable for this function (at least 10 characters). */
  readonly reason: string;
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
  /** Size of /tmp in MB, 512 to 10240. @default 512 (Lambda's default) */
  readonly ephemeralStorageMb?: number;
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
  /**
   * Events as AWS delivers them to this function (its trigger's shape), each invoked by the boot
   * check and expected to succeed. @default [] (the boot check then invokes `{}` once)
   */
  readonly events?: readonly TestEvent[];
  /** Required when packaging is `image`. */
  readonly image?: ImageSpec;
  /**
   * Reserved concurrency when deployed: the most execution environments the function may use at
   * once (caps cost and load behind a public URL or a fan-out), also reserving them for it.
   * The stack rules refuse a public function without one. @default no reservation (account pool)
   */
  readonly reservedConcurrency?: number;
  /** Inspection findings accepted for this function, each with its reason. @default [] */
  readonly acknowledgements?: readonly InspectionAcknowledgement[];
}

/** Our own ceiling: a higher reservation eats the account's unreserved pool (AWS keeps 100 unreserved). */
export const RESERVED_CONCURRENCY_MAX = 100;
export const EPHEMERAL_STORAGE_RANGE_MB = { min: 512, max: 10240 } as const;
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Validates a declaration early, with messages that show the value received and what to fix.
 * `repoRoot` is used to check that the source directory exists.
 */
export function validateFunctionSpec(spec: FunctionSpec, repoRoot?: string): FunctionSpec {
  const where = `function '${spec.name}'`;
  if (!NAME_PATTERN.test(spec.name)) {
    throw new ConfigurationError(`${where}: name must match ${NAME_PATTERN} (lower-case, digits, dashes), got '${spec.name}'.`);
  }
  runtimeFacts(spec.runtime);
  assertArchitecture(spec.architecture);
  if (spec.packaging !== 'zip' && spec.packaging !== 'image') {
    throw new ConfigurationError(`${where}: packaging must be 'zip' or 'image', got '${String(spec.packaging)}'.`);
  }
  // lambda-limits.ts throws plain errors (it checks CLI flags too); in a declaration they are configuration.
  try {
    assertLambdaSettings(where, spec);
  } catch (error) {
    throw new ConfigurationError(error instanceof Error ? error.message : String(error));
  }
  if (spec.reservedConcurrency !== undefined && (!Number.isInteger(spec.reservedConcurrency) || spec.reservedConcurrency < 1 || spec.reservedConcurrency > RESERVED_CONCURRENCY_MAX)) {
    throw new ConfigurationError(
      `${where}: reservedConcurrency must be an integer from 1 to ${RESERVED_CONCURRENCY_MAX}, got ${String(spec.reservedConcurrency)}. Keep it small: it caps what a public URL or a fan-out can cost.`,
    );
  }
  const storage = spec.ephemeralStorageMb ?? EPHEMERAL_STORAGE_RANGE_MB.min;
  if (!Number.isInteger(storage) || storage < EPHEMERAL_STORAGE_RANGE_MB.min || storage > EPHEMERAL_STORAGE_RANGE_MB.max) {
    throw new ConfigurationError(
      `${where}: ephemeralStorageMb must be an integer from ${EPHEMERAL_STORAGE_RANGE_MB.min} to ${EPHEMERAL_STORAGE_RANGE_MB.max} (Lambda's limits), got ${storage}.`,
    );
  }
  if (spec.packaging === 'image' && !spec.image) {
    throw new ConfigurationError(`${where}: packaging 'image' needs an 'image' section (at least {}), got none.`);
  }
  for (const env of ['prod'] as const) {
    const origins = spec.url?.cors[env]?.allowOrigins ?? [];
    if (origins.includes('*')) {
      throw new ConfigurationError(`${where}: CORS allowOrigins '*' is allowed in preprod and local only, not in ${env}. List the dashboard's origins.`);
    }
  }
  assertEnvironment(where, spec);
  if (repoRoot !== undefined) {
    const dir = path.resolve(repoRoot, spec.sourceDir);
    if (!fs.existsSync(dir)) {
      throw new ConfigurationError(`${where}: source directory '${spec.sourceDir}' does not exist (looked in ${dir}).`);
    }
  }
  return spec;
}

/** The `uses` entry an environment reference needs, for the message that names the fix. */
function requiredUse(value: Exclude<EnvironmentValue, string>): { readonly granted: (uses: UsesSpec) => boolean; readonly entry: string } | undefined {
  switch (value.ref) {
    case 'table-name':
      return { granted: (uses) => (uses.table ?? []).length > 0, entry: "table: ['dynamodb:<Action>', ...] (the item calls its code makes, e.g. 'dynamodb:GetItem')" };
    case 'topic-arn':
      return { granted: (uses) => (uses.topic ?? []).length > 0, entry: "topic: ['sns:Publish']" };
    case 'model-s3-uri':
      return { granted: (uses) => (uses.modelBucket ?? []).length > 0, entry: "modelBucket: ['s3:GetObject']" };
    case 'secret-arn':
      return { granted: (uses) => (uses.secrets ?? []).includes(value.secret), entry: `secrets: ['${value.secret}']` };
    case 'environment-name':
    case 'newsapi-base-url':
      return undefined;
  }
}

/**
 * No reserved Lambda variable (AWS refuses them at CreateFunction), and every reference to a
 * table, topic, bucket or secret backed by the matching `uses` grant (moto does not enforce IAM:
 * without this a function would pass locally and be denied in AWS).
 */
function assertEnvironment(where: string, spec: FunctionSpec): void {
  const environment = spec.environment ?? {};
  const reserved = reservedVariablesIn(Object.keys(environment));
  if (reserved.length > 0) {
    throw new ConfigurationError(
      `${where}: environment variable${reserved.length > 1 ? 's' : ''} ${reserved.join(', ')} ${reserved.length > 1 ? 'are' : 'is'} reserved by Lambda: ` +
        `AWS refuses to create the function (Lambda sets ${reserved.length > 1 ? 'them' : 'it'} itself; see ${RESERVED_ENVIRONMENT_DOCS}). ` +
        'Remove it from the environment, or use a name of your own (e.g. APP_REGION).',
    );
  }
  const uses = spec.uses ?? {};
  for (const resource of ['table', 'topic', 'modelBucket'] as const) {
    const allowed: readonly string[] = GRANTABLE_ACTIONS[resource];
    const declared: readonly string[] = uses[resource] ?? [];
    const unknown = declared.filter((action) => !allowed.includes(action));
    if (unknown.length > 0 || (uses[resource] !== undefined && declared.length === 0)) {
      throw new ConfigurationError(
        `${where}: uses.${resource} must list the actions the function calls, from ${allowed.join(', ')}; ` +
          `got ${declared.length === 0 ? 'an empty list' : unknown.map((a) => `'${a}'`).join(', ')}.`,
      );
    }
  }
  for (const [name, value] of Object.entries(environment)) {
    if (typeof value === 'string') continue;
    const needed = requiredUse(value);
    if (needed && !needed.granted(uses)) {
      throw new ConfigurationError(
        `${where}: environment variable ${name} references the ${value.ref}${value.ref === 'secret-arn' ? ` of '${value.secret}'` : ''}, ` +
          `but 'uses' grants no access to it, so the function would be denied in AWS (the local server does not enforce IAM). ` +
          `Add to its uses: ${needed.entry}.`,
      );
    }
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

/**
 * A function invoked asynchronously (a schedule or SNS trigger) keeps the events that failed
 * Lambda's two retries in an SQS queue of its own: the stacks deploy it (dead_letter_config), the
 * harness holds it in the local AWS server and sends failed events there
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
export function hasDeadLetterQueue(spec: FunctionSpec): boolean {
  return spec.trigger !== undefined;
}
