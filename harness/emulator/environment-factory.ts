/**
 * What LambdaEmulator needs from an execution environment, and from whatever makes them. The
 * real one is a container (ExecutionEnvironment, `containerEnvironments`); the pool, queue and
 * concurrency rules are tested with a fake (test/unit/emulator/fake-environment.ts).
 */
import { EnvironmentStatus } from './environment-state';
import { InvokeResult } from './invoke-result';
import { LaunchSpec } from './launch-spec';

export interface InvokeRequest {
  readonly requestId: string;
  readonly payload: Buffer;
  /** JSON text for `Lambda-Runtime-Client-Context`. @default none */
  readonly clientContext?: string;
  /** JSON text for `Lambda-Runtime-Cognito-Identity`. @default none */
  readonly cognitoIdentity?: string;
  /** Return the last 4 KB of this invoke's log (`X-Amz-Log-Type: Tail`). @default false */
  readonly tailLog?: boolean;
}

export interface EnvironmentOptions {
  /** Every log line: the function's output and START/END/REPORT. @default none */
  readonly onLog?: (line: string) => void;
  /** Longest wait for the runtime's first `/next` (Lambda: 10 s init, then the invoke's timeout). @default 10 s + timeout */
  readonly initTimeoutMs?: number;
}

export interface Environment {
  /** Unique among the environments alive (the container's name). */
  readonly name: string;
  /** `idle` is the only status the pool hands an invoke to again. */
  readonly state: EnvironmentStatus;
  /** Resolves once init ended: true when the runtime is ready, false when init failed. */
  waitUntilReady(): Promise<boolean>;
  /**
   * Runs one invoke (the environment must be starting or idle). Function failures resolve as
   * `{ ok: false }`; an environment that could never exist rejects.
   */
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Removes it; safe to call twice. */
  stop(): Promise<void>;
}

export interface EnvironmentFactory {
  /** Creates an environment and starts its init; does not wait for init (the first invoke does). */
  launch(spec: LaunchSpec, options: EnvironmentOptions): Promise<Environment>;
}
