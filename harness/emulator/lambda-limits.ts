/**
 * Lambda's numbers and error shapes, in one place, so every part of the emulator answers alike.
 */
import { randomUUID } from 'node:crypto';

/** Synchronous invoke payload limit, request and response (what the Runtime API enforces). */
export const MAX_PAYLOAD_BYTES = 6_291_556;

/** Account id in ARNs of locally served functions (moto's default account). */
export const LOCAL_ACCOUNT_ID = '123456789012';

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

function signalName(signal: number): string {
  const names: Record<number, string> = { 6: 'aborted', 9: 'killed', 11: 'segmentation fault', 15: 'terminated' };
  return names[signal] ?? `signal ${signal}`;
}
