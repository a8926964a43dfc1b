/**
 * Lambda's numbers and error shapes, in one place, so every part of the emulator answers alike.
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from './local-aws-account';

/**
 * Synchronous response limit, what the Runtime API enforces on the runtime's answer
 * (`Function.ResponseSizeTooLarge` names 6291556 bytes).
 */
export const MAX_PAYLOAD_BYTES = 6_291_556;

/**
 * Request limits of the Invoke API: 6 MB for a synchronous request, 1 MB for an asynchronous
 * (`Event`) one (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export const MAX_REQUEST_BYTES = 6_291_456;
export const MAX_ASYNC_REQUEST_BYTES = 1_048_576;

/**
 * CPU is allocated in proportion to memory: 1,769 MB is one vCPU
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 */
export const MB_PER_VCPU = 1769;

/** `/tmp` size when none is declared (range: EPHEMERAL_STORAGE_RANGE_MB in the catalog's function-spec). */
export const DEFAULT_EPHEMERAL_STORAGE_MB = 512;

/** The vCPUs a function of this memory size gets. */
export function vcpusForMemory(memoryMb: number): number {
  return memoryMb / MB_PER_VCPU;
}

/** @default region when neither the launch spec nor AWS_REGION says otherwise. */
export const DEFAULT_REGION = 'us-east-1';

/** The JSON body Lambda's services use for their own errors: `{"errorMessage":..,"errorType":..}`. */
export function lambdaErrorBody(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorMessage, errorType }));
}

export function functionArn(functionName: string, region: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

export function newRequestId(): string {
  return randomUUID();
}

/** An X-Ray trace header like Lambda passes: `Root=1-<epoch hex>-<96 bits>;Parent=<64 bits>;Sampled=0`. */
export function newTraceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  // randomUUID draws from a pre-filled entropy cache: cheaper than randomBytes on the warm path.
  const random = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
  return `Root=1-${epoch}-${random.slice(0, 24)};Parent=${random.slice(32, 48)};Sampled=0`;
}

/** `Task timed out after 3.00 seconds`, as Lambda words it. */
export function timedOutMessage(requestId: string, timeoutSeconds: number): string {
  return `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** The message Lambda gives when the runtime process exits (`exit status 1`, `signal: killed`). */
export function exitErrorMessage(requestId: string, exitCode: number | null): string {
  const how = exitCode !== null && exitCode > 128 ? `signal: ${signalName(exitCode - 128)}` : `exit status ${exitCode ?? 'unknown'}`;
  return `RequestId: ${requestId} Error: Runtime exited with error: ${how}`;
}

/** What Lambda answers when the memory limit killed the runtime. */
export function outOfMemoryMessage(requestId: string): string {
  return `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`;
}

function signalName(signal: number): string {
  const names: Record<number, string> = { 6: 'aborted', 9: 'killed', 11: 'segmentation fault', 15: 'terminated' };
  return names[signal] ?? `signal ${signal}`;
}

/** Lambda's memory and timeout ranges (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const MEMORY_RANGE_MB = { min: 128, max: 10240 } as const;
export const TIMEOUT_RANGE_SECONDS = { min: 1, max: 900 } as const;
/**
 * A Python handler, `module.function`: the one definition (catalog, modules, `--handler`, inspection).
 * Lambda's API accepts any handler without white space (CreateFunction `Handler`, pattern `^[^\s]+$`:
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html); a Python handler's name is
 * derived from the file name and the function name, `lambda_function.lambda_handler`
 * (https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html). The runtime client
 * (awslambdaric) splits at the last `.` and imports the rest as a module path, so a package or a
 * folder works too (`pkg.module.handler`, `src/app.handler`); each part must be a Python
 * identifier, or the first invoke fails with `Runtime.MalformedHandlerName` / `Runtime.ImportModuleError`.
 */
export const HANDLER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)*\.[A-Za-z_][A-Za-z0-9_]*$/;

/** Handler, memory and timeout within Lambda's limits; shared by the catalog and the CDKTF modules. */
export function assertLambdaSettings(
  where: string,
  settings: { readonly handler?: string; readonly memoryMb: number; readonly timeoutSeconds: number },
): void {
  if (!settings.handler || !HANDLER_PATTERN.test(settings.handler)) {
    throw new Error(
      `${where}: handler is required and must look like 'module.function' (e.g. 'handler.lambda_handler'), got '${settings.handler ?? ''}'.`,
    );
  }
  const { memoryMb, timeoutSeconds } = settings;
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
