/**
 * One function, served like Lambda serves it: a pool of execution environments, one invoke at
 * a time in each, a new environment for each concurrent invoke up to a maximum (then invokes
 * queue), dead or timed-out environments replaced by fresh ones on the next invoke
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
 * The environments come from an injected factory: containers by default, fakes in unit tests.
 */
import { Environment, EnvironmentFactory } from './environment-factory';
import { containerEnvironments } from './execution-environment';
import { InvokeResult } from './invoke-result';
import { LaunchSpec, validateLaunchSpec } from './launch-spec';
import { MAX_REQUEST_BYTES, newRequestId } from '../../model/lambda-limits';

export interface LambdaEmulatorProps {
  readonly launch: LaunchSpec;
  /** Most execution environments at once (Lambda's concurrency limit for this function). @default 10 */
  readonly maxEnvironments?: number;
  /** A fresh environment for every invoke, removed afterwards (SAM's default). @default false */
  readonly perRequest?: boolean;
  /** Invokes waiting for an environment beyond which new ones are throttled (429). @default 1000 */
  readonly maxQueuedInvokes?: number;
  /** Every log line of every environment, START/END/REPORT included. @default none */
  readonly onLog?: (line: string) => void;
  /** Longest wait for a new environment's first `/next`. @default 10 s + the function's timeout */
  readonly initTimeoutMs?: number;
  /** Makes the execution environments. @default containers through the Docker engine (`containerEnvironments`) */
  readonly environmentFactory?: EnvironmentFactory;
}

export interface InvokeOptions {
  /** @default a new UUID */
  readonly requestId?: string;
  /** JSON text given to the runtime as `Lambda-Runtime-Client-Context`. @default none */
  readonly clientContext?: string;
  /** JSON text given to the runtime as `Lambda-Runtime-Cognito-Identity`. @default none */
  readonly cognitoIdentity?: string;
  /** Return the invoke's last 4 KB of log in `logTail` (`X-Amz-Log-Type: Tail`). @default false */
  readonly tailLog?: boolean;
}

/** Lambda refused the invoke before running it (payload too large, throttled). */
export class InvokeRejectedError extends Error {
  constructor(
    readonly statusCode: 413 | 429,
    readonly errorType: 'RequestTooLargeException' | 'TooManyRequestsException',
    message: string,
  ) {
    super(message);
    this.name = 'InvokeRejectedError';
  }
}

const EMPTY_EVENT = Buffer.from('{}');

interface Waiter {
  readonly resolve: (environment: Environment) => void;
  readonly reject: (error: Error) => void;
}

/** The part of the emulator the HTTP fronts need; lets them serve any invoker. */
export interface Invoker {
  readonly functionName: string;
  /** Invokes it can run at once (its execution environment limit). @default 10 */
  readonly concurrencyLimit?: number;
  invoke(payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
}

export class LambdaEmulator implements Invoker {
  private readonly launch: LaunchSpec;
  private readonly maxEnvironments: number;
  private readonly maxQueuedInvokes: number;
  private readonly factory: EnvironmentFactory;
  private readonly idle: Environment[] = [];
  private readonly environments = new Set<Environment>();
  private readonly waiters: Waiter[] = [];
  private readonly stopping = new Set<Promise<void>>();
  private created = 0;
  /** Environments being launched: they hold a slot before they exist. */
  private readonly launches = new Set<Promise<Environment>>();
  private stopped = false;

  constructor(private readonly props: LambdaEmulatorProps) {
    this.launch = validateLaunchSpec(props.launch);
    this.maxEnvironments = props.maxEnvironments ?? 10;
    this.maxQueuedInvokes = props.maxQueuedInvokes ?? 1000;
    this.factory = props.environmentFactory ?? containerEnvironments;
    if (!Number.isInteger(this.maxEnvironments) || this.maxEnvironments < 1) {
      throw new Error(`maxEnvironments must be an integer >= 1, got ${props.maxEnvironments}.`);
    }
  }

  get functionName(): string {
    return this.launch.functionName;
  }

  get concurrencyLimit(): number {
    return this.maxEnvironments;
  }

  /** Environments created since the emulator started (cold starts). */
  get environmentsCreated(): number {
    return this.created;
  }

  /** Environments alive now. */
  get environmentCount(): number {
    return this.environments.size;
  }

  /** Invokes with a JSON event. */
  invokeJson(event: unknown, options?: InvokeOptions): Promise<InvokeResult> {
    return this.invoke(Buffer.from(JSON.stringify(event)), options);
  }

  /**
   * Runs one invoke. Function failures (init errors, exceptions, timeouts, exits) come back as
   * `{ ok: false }` with Lambda's error JSON; an environment docker cannot start throws.
   */
  async invoke(payload: Buffer | string, options: InvokeOptions = {}): Promise<InvokeResult> {
    const given = typeof payload === 'string' ? Buffer.from(payload) : payload;
    // An invoke without a payload passes `{}` to the function, as Lambda does.
    const body = given.length === 0 ? EMPTY_EVENT : given;
    if (body.length > MAX_REQUEST_BYTES) {
      throw new InvokeRejectedError(413, 'RequestTooLargeException',
        `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation (got ${body.length}).`);
    }
    const environment = await this.acquire();
    try {
      return await environment.invoke({
        requestId: options.requestId ?? newRequestId(),
        payload: body,
        clientContext: options.clientContext,
        cognitoIdentity: options.cognitoIdentity,
        tailLog: options.tailLog,
      });
    } finally {
      this.release(environment);
    }
  }

  /** Starts `count` environments ahead of the first invokes and waits for their init. */
  async prewarm(count = 1): Promise<void> {
    const started: Environment[] = [];
    while (started.length < count && this.environments.size + this.launches.size < this.maxEnvironments) started.push(await this.createEnvironment());
    await Promise.all(started.map((environment) => environment.waitUntilReady()));
    for (const environment of started) this.release(environment);
  }

  /** Removes every container this emulator started. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`The emulator for '${this.functionName}' was stopped.`));
    for (const environment of this.environments) this.retire(environment);
    this.idle.length = 0;
    // An environment still being launched is retired as soon as it exists: wait for that too.
    await Promise.allSettled([...this.launches]);
    await Promise.all([...this.stopping]);
  }

  private async acquire(): Promise<Environment> {
    if (this.stopped) throw new Error(`The emulator for '${this.functionName}' is stopped.`);
    while (!this.props.perRequest && this.idle.length > 0) {
      const environment = this.idle.pop()!;
      if (environment.state === 'idle') return environment;
      this.retire(environment); // died while idle (runtime crashed between invokes)
    }
    if (this.environments.size + this.launches.size < this.maxEnvironments) return this.createEnvironment();
    if (this.waiters.length >= this.maxQueuedInvokes) {
      throw new InvokeRejectedError(429, 'TooManyRequestsException',
        `Rate Exceeded: ${this.maxEnvironments} environments busy and ${this.waiters.length} invokes already queued for '${this.functionName}'.`);
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(environment: Environment): void {
    if (this.stopped) return;
    if (this.props.perRequest || environment.state !== 'idle') this.retire(environment);
    else {
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(environment);
      else this.idle.push(environment);
      return;
    }
    // A slot freed up: give a waiting invoke a fresh environment.
    const waiter = this.waiters.shift();
    if (waiter) this.createEnvironment().then(waiter.resolve, waiter.reject);
  }

  private async createEnvironment(): Promise<Environment> {
    this.created++;
    const launch = this.factory.launch(this.launch, { onLog: this.props.onLog, initTimeoutMs: this.props.initTimeoutMs });
    this.launches.add(launch);
    let environment: Environment;
    try {
      environment = await launch;
    } finally {
      this.launches.delete(launch);
    }
    this.environments.add(environment);
    if (this.stopped) {
      // Stopped while this one was being launched: it is not handed to anyone.
      this.retire(environment);
      throw new Error(`The emulator for '${this.functionName}' was stopped.`);
    }
    return environment;
  }

  private retire(environment: Environment): void {
    this.environments.delete(environment);
    const stopping = environment.stop().catch(() => undefined);
    this.stopping.add(stopping);
    void stopping.then(() => this.stopping.delete(stopping));
  }
}
