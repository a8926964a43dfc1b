/**
 * One execution environment: a container whose runtime interface client polls its own Runtime
 * API server on the host (host networking, 127.0.0.1). Runs one invoke at a time; owns the
 * timeout, init errors, exits, and the START / END / REPORT lines.
 *
 * The container is a testcontainers GenericContainer (harness/docker/harness-container.ts): its
 * log stream feeds the log pipeline and one engine `wait` per environment reports the exit, so
 * no engine call at all happens on the warm path.
 */
import { HarnessContainer, demuxedLogs, waitForExit } from '../docker/harness-container';
import { DockerEngineError, HARNESS_LABEL, dockerode, removeContainer } from '../docker/engine';
import { ContainerMemory, bytesToReportedMb } from './container-memory';
import { InvokeResult, buildReport, endLine, parseErrorPayload, startLine } from './invoke-result';
import { EphemeralStorage, takeEphemeralStorage } from './ephemeral-storage';
import { LaunchSpec, lambdaEnvironment, regionOf, sandboxLimits, validateLaunchSpec } from './launch-spec';
import { MAX_PAYLOAD_BYTES, exitErrorMessage, functionArn, newTraceId, outOfMemoryMessage, timedOutMessage } from './lambda-limits';
import { InitError, InvocationOutcome, RuntimeApiServer } from './runtime-api-server';

export interface ExecutionEnvironmentOptions {
  /** Every log line: the container's stdout/stderr and START/END/REPORT. @default none */
  readonly onLog?: (line: string) => void;
  /** Longest wait for the runtime's first `/next` (Lambda: 10 s init, then the invoke's timeout). @default 10 s + timeout */
  readonly initTimeoutMs?: number;
}

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

/** `X-Amz-Log-Result` carries at most the last 4 KB of the invoke's log. */
export const LOG_TAIL_BYTES = 4096;

export type EnvironmentState = 'starting' | 'idle' | 'busy' | 'dead';

/** The environment could not be created at all (docker failed): a harness problem, not the function's. */
export class EnvironmentStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentStartError';
  }
}

type InitOutcome =
  | { readonly kind: 'ready'; readonly atMs: number }
  | { readonly kind: 'init-error'; readonly error: InitError; readonly atMs: number }
  | { readonly kind: 'exit'; readonly exitCode: number | null; readonly atMs: number }
  | { readonly kind: 'init-timeout'; readonly atMs: number }
  | { readonly kind: 'start-failed'; readonly error: Error };

type Interrupt = { readonly kind: 'timeout' } | { readonly kind: 'exit'; readonly exitCode: number | null; readonly oomKilled: boolean };

const RECENT_LOG_LINES = 40;
/** Longest wait, after the exit, for the log stream to deliver the container's last lines. */
const LOG_DRAIN_MS = 2000;

export class ExecutionEnvironment {
  /** Creates the server and starts the container; does not wait for init (the first invoke does). */
  static async launch(spec: LaunchSpec, options: ExecutionEnvironmentOptions = {}): Promise<ExecutionEnvironment> {
    const environment = new ExecutionEnvironment(validateLaunchSpec(spec), options);
    await environment.start();
    return environment;
  }

  readonly name: string;
  private readonly server: RuntimeApiServer;
  private readonly container: HarnessContainer;
  /** Settles once the engine started the container (its id) or refused to (undefined). */
  private started: Promise<string | undefined> = Promise.resolve(undefined);
  private containerId: string | undefined;
  private readonly ready: Promise<InitOutcome>;
  private settleReady!: (outcome: InitOutcome) => void;
  private launchedAt = 0;
  private firstNextAt: number | undefined;
  private deliveredAt = 0;
  private invokedOnce = false;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  private interrupt: ((reason: Interrupt) => void) | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private memory: ContainerMemory | undefined;
  private readonly recentLogs: string[] = [];
  private partialLine = '';
  private currentState: EnvironmentState = 'starting';
  /** Set once the container has exited (null: it never ran). */
  private exitCode: number | null | undefined = undefined;
  /** The engine says the memory cgroup's OOM killer ended the container. */
  private oomKilled = false;
  private storage: EphemeralStorage | undefined;
  /** Lines of the invoke in progress, kept only when it asked for a log tail. */
  private invokeLog: string[] | undefined;
  private lastOutputAt = 0;
  private lastPeakBytes: number | undefined;
  private readonly functionArn: string;

  private constructor(
    readonly spec: LaunchSpec,
    private readonly options: ExecutionEnvironmentOptions,
  ) {
    this.container = new HarnessContainer(spec.image, spec.functionName);
    this.name = this.container.name;
    this.functionArn = functionArn(spec.functionName, regionOf(spec));
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    this.server = new RuntimeApiServer({
      timeoutMs: spec.timeoutSeconds * 1000,
      onNext: (atMs) => {
        if (this.firstNextAt === undefined) {
          this.firstNextAt = atMs;
          if (this.currentState === 'starting') this.currentState = 'idle';
          this.settleReady({ kind: 'ready', atMs });
        }
      },
      onDelivered: (_requestId, atMs) => this.armDeadline(atMs),
      onInitError: (error) => this.settleReady({ kind: 'init-error', error, atMs: performance.now() }),
    });
  }

  get state(): EnvironmentState {
    return this.currentState;
  }

  /** Container start -> first `/next`, once the runtime has polled. */
  get initDurationMs(): number | undefined {
    return this.firstNextAt === undefined ? undefined : this.firstNextAt - this.launchedAt;
  }

  /** Resolves once the runtime polled `/next` (true) or init failed (false). */
  async waitUntilReady(): Promise<boolean> {
    return (await this.ready).kind === 'ready';
  }

  private async start(): Promise<void> {
    const limits = sandboxLimits(this.spec);
    const [runtimeApi, storage] = await Promise.all([
      this.server.listen(),
      takeEphemeralStorage(limits.ephemeralStorageMb, (warning) => this.options.onLog?.(warning)),
    ]);
    this.storage = storage;
    const container = this.container
      .withLabels({ [`${HARNESS_LABEL}.function`]: this.spec.functionName })
      .withNetworkMode('host')
      // Lambda has no swap: the memory setting is the hard limit; CPU follows memory.
      .withMemoryLimitMb(limits.memoryMb)
      .withCpus(limits.cpus)
      .withReadOnlyRootFilesystem()
      // /tmp is disk-backed ephemeral storage of its own size, not charged to memory.
      .withBindMounts([
        { source: storage.hostPath, target: '/tmp', mode: 'rw' },
        ...(this.spec.mounts ?? []).map((mount) => ({ source: mount.hostPath, target: mount.containerPath, mode: mount.readOnly ? 'ro' as const : 'rw' as const })),
      ])
      .withEnvironment(lambdaEnvironment(this.spec, runtimeApi));
    if (this.spec.user) container.withUser(this.spec.user);
    if (this.spec.command.length > 0) container.withCommand([...this.spec.command]);

    this.launchedAt = performance.now();
    this.started = container.start().then(
      (started) => (this.containerId = started.getId()),
      (error: unknown) => {
        this.onStartError(error);
        return undefined;
      },
    );
    this.exited = this.started.then(async (id) => {
      if (!id) return;
      // The logs stream into collectLogs as the runtime writes them.
      const logs = await demuxedLogs(id, { onOutput: (chunk) => this.collectLogs(chunk), keepOutputBytes: 64 * 1024 }).catch(() => undefined);
      const exitCode = await waitForExit(id).catch(() => null);
      // 137 is SIGKILL: from the OOM killer (Runtime.OutOfMemory) or from someone else (Runtime.ExitError).
      if (exitCode === 137 && !this.stopping) this.oomKilled = await this.engineSawOomKill(id);
      if (logs) await Promise.race([logs.ended, new Promise((resolve) => setTimeout(resolve, LOG_DRAIN_MS).unref())]);
      this.onContainerExit(exitCode);
    });
    // An init that never reaches /next (hung import, endless loop at module level).
    const initTimeoutMs = this.options.initTimeoutMs ?? 10_000 + this.spec.timeoutSeconds * 1000;
    const initTimer = setTimeout(() => {
      if (this.firstNextAt === undefined && this.currentState !== 'dead') this.settleReady({ kind: 'init-timeout', atMs: performance.now() });
    }, initTimeoutMs);
    void this.ready.then(() => clearTimeout(initTimer));
  }

  /** Runs one invoke; the environment must be idle or starting (one invoke at a time). */
  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (this.currentState === 'busy' || this.currentState === 'dead') {
      throw new Error(`Execution environment ${this.name} is ${this.currentState}; it runs one invoke at a time and cannot be reused once dead.`);
    }
    this.currentState = 'busy';
    this.invokeLog = request.tailLog ? [] : undefined;
    const coldStart = !this.invokedOnce;
    this.invokedOnce = true;
    const invokeStartedAt = performance.now();

    const init = await this.ready;
    if (init.kind === 'start-failed') {
      this.currentState = 'dead';
      throw init.error;
    }
    this.log(startLine(request.requestId));
    if (init.kind !== 'ready') {
      // Init failed: Lambda answers the invoke with the init error and discards the environment.
      const failure = this.initFailure(request.requestId, init);
      this.kill();
      return this.finish(request.requestId, { ...failure, phase: 'init', durationMs: performance.now() - invokeStartedAt, coldStart, initDurationMs: 'atMs' in init ? init.atMs - this.launchedAt : undefined });
    }

    const interrupted = new Promise<Interrupt>((resolve) => (this.interrupt = resolve));
    // The container may have died while this invoke was on its way here.
    if (this.exitCode !== undefined) this.interrupt!({ kind: 'exit', exitCode: this.exitCode, oomKilled: this.oomKilled });
    const answered = this.server.submit({
      requestId: request.requestId,
      payload: request.payload,
      functionArn: this.functionArn,
      traceId: newTraceId(),
      clientContext: request.clientContext,
      cognitoIdentity: request.cognitoIdentity,
    });
    const outcome: InvocationOutcome | Interrupt = await Promise.race([answered, interrupted]);
    this.interrupt = undefined;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;

    const initDurationMs = coldStart ? this.initDurationMs : undefined;
    const fields = { coldStart, initDurationMs };
    switch (outcome.kind) {
      case 'response':
        this.currentState = 'idle';
        return this.finish(request.requestId, { ok: true, payload: outcome.body, durationMs: outcome.atMs - this.deliveredAt, ...fields });
      case 'error': {
        this.currentState = 'idle';
        const parsed = parseErrorPayload(outcome.body);
        return this.finish(request.requestId, {
          ok: false, errorType: outcome.errorType, errorMessage: parsed.errorMessage ?? outcome.body.toString('utf8'),
          trace: parsed.trace, payload: outcome.body, durationMs: outcome.atMs - this.deliveredAt, ...fields,
        });
      }
      case 'response-too-large': {
        // The runtime crashes on the 413; Lambda discards the environment too.
        this.kill();
        const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`;
        return this.finish(request.requestId, {
          ok: false, errorType: 'Function.ResponseSizeTooLarge', errorMessage,
          payload: Buffer.from(JSON.stringify({ errorMessage, errorType: 'Function.ResponseSizeTooLarge' })),
          durationMs: outcome.atMs - this.deliveredAt, ...fields,
        });
      }
      case 'timeout': {
        this.server.abandon(request.requestId);
        this.kill();
        const errorMessage = timedOutMessage(request.requestId, this.spec.timeoutSeconds);
        return this.finish(request.requestId, {
          ok: false, errorType: 'Sandbox.Timedout', errorMessage,
          payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage })),
          durationMs: this.spec.timeoutSeconds * 1000, ...fields,
        });
      }
      case 'exit': {
        this.server.abandon(request.requestId);
        // Runtime.OutOfMemory only when the engine saw the memory cgroup's OOM killer end it;
        // a `docker kill` / `docker stop` is an exit with its signal, as Lambda reports one.
        const outOfMemory = outcome.oomKilled;
        const errorType = outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
        const errorMessage = outOfMemory ? outOfMemoryMessage(request.requestId) : exitErrorMessage(request.requestId, outcome.exitCode);
        return this.finish(request.requestId, {
          ok: false, errorType, errorMessage,
          payload: Buffer.from(JSON.stringify({ errorType, errorMessage })),
          durationMs: performance.now() - this.deliveredAt, ...fields,
        }, outOfMemory ? this.spec.memoryMb : bytesToKnownMb(this.lastPeakBytes));
      }
    }
  }

  /** Removes the container and closes the Runtime API server. Safe to call twice. */
  async stop(): Promise<void> {
    this.kill();
    await this.exited;
    this.memory?.close();
    await Promise.all([this.server.close(), this.storage?.release()]);
  }

  /** Last lines the container printed, for error messages. */
  recentLogLines(): readonly string[] {
    return this.recentLogs;
  }

  private initFailure(requestId: string, init: Exclude<InitOutcome, { kind: 'ready' } | { kind: 'start-failed' }>) {
    if (init.kind === 'init-error') {
      const parsed = parseErrorPayload(init.error.body);
      return { ok: false as const, errorType: init.error.errorType, errorMessage: parsed.errorMessage ?? init.error.body.toString('utf8'), trace: parsed.trace, payload: init.error.body };
    }
    if (init.kind === 'init-timeout') {
      // The runtime never polled /next in time (hung import, endless loop at module level).
      const errorMessage = timedOutMessage(requestId, this.spec.timeoutSeconds);
      return { ok: false as const, errorType: 'Sandbox.Timedout', errorMessage, payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage })) };
    }
    const errorType = this.oomKilled ? 'Runtime.OutOfMemory'
      : init.exitCode === 126 || init.exitCode === 127 ? 'Runtime.InvalidEntrypoint' : 'Runtime.ExitError';
    const errorMessage = this.oomKilled ? outOfMemoryMessage(requestId) : exitErrorMessage(requestId, init.exitCode);
    return { ok: false as const, errorType, errorMessage, payload: Buffer.from(JSON.stringify({ errorType, errorMessage })) };
  }

  private async finish(
    requestId: string,
    result: ({ ok: true; payload: Buffer } | { ok: false; errorType: string; errorMessage: string; trace?: readonly string[]; payload: Buffer; phase?: 'init' }) & {
      durationMs: number; coldStart: boolean; initDurationMs?: number;
    },
    knownPeakMb?: number,
  ): Promise<InvokeResult> {
    const peak = knownPeakMb === undefined ? await this.peakMemoryBytes() : undefined;
    if (peak !== undefined) this.lastPeakBytes = peak;
    const report = buildReport({
      requestId, durationMs: result.durationMs, memorySizeMb: this.spec.memoryMb,
      maxMemoryUsedMb: knownPeakMb ?? (peak === undefined ? 0 : bytesToReportedMb(peak)),
      initDurationMs: result.initDurationMs, coldStart: result.coldStart,
    });
    let logTail: string | undefined;
    if (this.invokeLog) {
      await this.outputQuiet();
      this.log(endLine(requestId));
      this.log(report.line);
      logTail = lastBytes(this.invokeLog.join('\n') + '\n', LOG_TAIL_BYTES);
      this.invokeLog = undefined;
    } else {
      this.log(endLine(requestId));
      this.log(report.line);
    }
    const { durationMs: _d, coldStart: _c, initDurationMs: _i, ...rest } = result;
    return { requestId, ...rest, report, ...(logTail !== undefined ? { logTail } : {}) } as InvokeResult;
  }

  /**
   * The container's output reaches us through the engine after the runtime's HTTP answer (tens
   * of ms on a loaded machine): before cutting a log tail, wait until it has been quiet for
   * 100 ms (at most 1 s). Only invokes that ask for a tail pay this.
   */
  private async outputQuiet(quietMs = 100, capMs = 1000): Promise<void> {
    const started = performance.now();
    while (performance.now() - started < capMs && performance.now() - Math.max(this.lastOutputAt, started) < quietMs) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async peakMemoryBytes(): Promise<number | undefined> {
    if (!this.memory) {
      if (!this.containerId) return undefined;
      this.memory = new ContainerMemory(this.containerId);
    }
    if (this.currentState === 'dead') return this.memory.peakBytes().then((v) => v, () => undefined);
    return this.memory.peakBytes();
  }

  private armDeadline(atMs: number): void {
    this.deliveredAt = atMs;
    this.deadlineTimer = setTimeout(() => this.interrupt?.({ kind: 'timeout' }), this.spec.timeoutSeconds * 1000);
  }

  private onContainerExit(exitCode: number | null): void {
    this.exitCode = exitCode;
    this.currentState = 'dead';
    // Stopped by us or not: an invoke in flight (or the first one, still waiting for init) ends as an exit.
    this.settleReady({ kind: 'exit', exitCode, atMs: performance.now() });
    this.interrupt?.({ kind: 'exit', exitCode, oomKilled: this.oomKilled });
  }

  /** The engine's own verdict: did the memory cgroup's OOM killer end the container? */
  private async engineSawOomKill(id: string): Promise<boolean> {
    try {
      const state = (await (await dockerode()).getContainer(id).inspect()).State as { OOMKilled?: boolean };
      return state.OOMKilled === true;
    } catch {
      return false;
    }
  }

  /**
   * The engine refused to start the container. A missing entrypoint is the function's problem
   * (Lambda: Runtime.InvalidEntrypoint; `docker run` exits 127 / 126 for it); anything else
   * (no such image, engine errors) means the environment never existed.
   */
  private onStartError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const missingImage = error instanceof DockerEngineError && error.statusCode === 404;
    if (!missingImage && /executable file not found|no such file or directory/i.test(message)) {
      this.log(message);
      this.onContainerExit(127);
      return;
    }
    if (!missingImage && /permission denied/i.test(message)) {
      this.log(message);
      this.onContainerExit(126);
      return;
    }
    this.onStartFailure(new EnvironmentStartError(
      `Could not start an execution environment for '${this.spec.functionName}' from image '${this.spec.image}'.\n` +
      `  the engine said: ${message.trim().split('\n').slice(-5).join('\n  ')}\n` +
      '  Likely cause: the image is not built locally (no registry is reachable). Build the runtime images with `npm run images`, or check the image tag.',
    ));
  }

  private onStartFailure(error: Error): void {
    this.currentState = 'dead';
    this.settleReady({ kind: 'start-failed', error });
  }

  /** Removes the container without waiting (its wait and log stream then end). */
  private kill(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.currentState = 'dead';
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    // Once the engine has answered the start (a failed start removes its own container).
    void this.started.then((id) => (id ? removeContainer(id).catch(() => undefined) : undefined));
  }

  private collectLogs(chunk: string): void {
    this.lastOutputAt = performance.now();
    const text = this.partialLine + chunk;
    const lines = text.split('\n');
    this.partialLine = lines.pop() ?? '';
    // awslambdaric joins multi-line records with \r (one CloudWatch event); a terminal needs \n.
    for (const line of lines) this.log(line.replace(/\r$/, '').replace(/\r/g, '\n'));
  }

  private log(line: string): void {
    this.recentLogs.push(line);
    if (this.recentLogs.length > RECENT_LOG_LINES) this.recentLogs.shift();
    this.invokeLog?.push(line);
    this.options.onLog?.(line);
  }
}

/** The last `limit` bytes of a text, cut on a character boundary. */
function lastBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  let start = bytes.length - limit;
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++; // not inside a UTF-8 sequence
  return bytes.subarray(start).toString('utf8');
}

function bytesToKnownMb(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : bytesToReportedMb(bytes);
}
