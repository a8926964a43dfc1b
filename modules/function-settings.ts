/**
 * Settings every Lambda function module shares, and their validation. The catalog validates its
 * declarations too; the modules validate again because they are reusable without the catalog.
 */
import { assertLambdaSettings } from '../model/lambda-limits';
import { Architecture, assertArchitecture } from '../model/runtimes';
import { holdsSecretLiteral } from '../model/secret-naming';

export interface FunctionSettings {
  /** Deployed function name: `preprod-sentiment-dashboard`. */
  readonly functionName: string;
  /** @default '' */
  readonly description?: string;
  /** `module.function`; for image functions it becomes the image's CMD override. */
  readonly handler: string;
  readonly architecture: Architecture;
  /** 128 to 10240 MB. */
  readonly memoryMb: number;
  /** 1 to 900 s. */
  readonly timeoutSeconds: number;
  /** Size of /tmp in MB. @default 512 */
  readonly ephemeralStorageMb?: number;
  /** Conditions Terraform checks at plan before creating or changing the function (the deploy gate). @default [] */
  readonly preconditions?: readonly { readonly condition: string; readonly errorMessage: string }[];
  /** ARN of the execution role (from `ExecutionRole.arn`). */
  readonly roleArn: string;
  /** Plain values or Terraform references; never secret values (pass secret ARNs). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Most concurrent executions, reserved for this function. @default none (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
  /** SQS queue or SNS topic ARN that receives events whose asynchronous invocation failed every retry. @default none */
  readonly deadLetterTargetArn?: string;
}

const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function validateFunctionSettings(settings: FunctionSettings): void {
  const where = `Lambda function '${settings.functionName}'`;
  if (!FUNCTION_NAME_PATTERN.test(settings.functionName)) {
    throw new Error(
      `${where}: functionName must be 1-64 letters, digits, '-' or '_', got '${settings.functionName}'.`,
    );
  }
  assertLambdaSettings(where, settings);
  assertArchitecture(settings.architecture);
  const reserved = settings.reservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0)) {
    throw new Error(`${where}: reservedConcurrency must be a non-negative integer (0 stops the function), got ${reserved}.`);
  }
  for (const [key, value] of Object.entries(settings.environment ?? {})) {
    if (holdsSecretLiteral(key, value)) {
      throw new Error(
        `${where}: environment variable '${key}' looks like a secret value. Secrets live in Secrets Manager: pass the secret's ARN as '${key}_SECRET_ARN' and read it at run time.`,
      );
    }
  }
}

/** The `aws_lambda_function` arguments both packagings take from the shared settings. */
export function commonFunctionArguments(settings: FunctionSettings) {
  return {
    functionName: settings.functionName,
    description: settings.description ?? '',
    architectures: [settings.architecture],
    memorySize: settings.memoryMb,
    timeout: settings.timeoutSeconds,
    ephemeralStorage: { size: settings.ephemeralStorageMb ?? 512 },
    role: settings.roleArn,
    environment: { variables: { ...settings.environment } },
    tags: { ...settings.tags },
    reservedConcurrentExecutions: settings.reservedConcurrency,
    deadLetterConfig: settings.deadLetterTargetArn ? { targetArn: settings.deadLetterTargetArn } : undefined,
    lifecycle: settings.preconditions?.length ? { precondition: settings.preconditions.map((p) => ({ ...p })) } : undefined,
  };
}

/** Terraform wants `source_code_hash` as base64 of the SHA-256 bytes; manifests record hex. */
export function hexSha256ToBase64(hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`Expected a SHA-256 as 64 lower-case hex characters, got '${hex}'.`);
  }
  return Buffer.from(hex, 'hex').toString('base64');
}

export function base64Sha256ToHex(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 32) {
    throw new Error(`Expected a base64 SHA-256 (32 bytes), got '${base64}'.`);
  }
  return bytes.toString('hex');
}
