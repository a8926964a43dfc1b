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
import { LineSplitter, LineTail, lastLines } from '../process/output-tail';
import { ContainerMemory, bytesToReportedMb } from './container-memory';
import { Environment, EnvironmentFactory, EnvironmentOptions, InvokeRequest } from './environment-factory';
import {
  EnvironmentEffect, EnvironmentEvent, EnvironmentState, EnvironmentStatus, InitFailure, InitOutcome, Interruption,
  removalRequested, statusOf, transition,
} from './environment-state';
import { InvokeResult, buildReport, endLine, parseErrorPayload, startLine } from './invoke-result';
import { EphemeralStorage, takeEphemeralStorage } from './ephemeral-storage';
import { LaunchSpec, lambdaEnvironment, regionOf, sandboxLimits, validateLaunchSpec } from './launch-spec';
import { MAX_PAYLOAD_BYTES, exitErrorMessage, functionArn, newTraceId, outOfMemoryMessage, timedOutMessage } from '../../model/lambda-limits';
import { InvocationOutcome, RuntimeApiServer } from './runtime-api-server';

/** `X-Amz-Log-Result` carries at most the last 4 KB of the invoke's log. */
export const LOG_TAIL_BYTES = 4096;

/** The environment could not be created at all (docker failed): a harness problem, not the function's. */
export class EnvironmentStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentStartError';
  }
}

const RECENT_LOG_LINES = 40;
/** Longest wait, after the exit, for the log stream to deliver the container's last lines. */
const LOG_DRAIN_MS = 2000;

export class ExecutionEnvironment implements Environment {
  /** Creates the server and starts the container; does not wait for init (the first invoke does). */
  static async launch(spec: LaunchSpec, options: EnvironmentOptions = {}): Promise<ExecutionEnvironment> {
    const environment = new ExecutionEnvironment(validateLaunchSpec(spec), options);
    await environment.start();
    return environment;
  }

  readonly name: string;
  /** Where the environment is in its life (environment-state.ts decides every move). */
  private lifecycle: EnvironmentState = { kind: 'created' };
  private readonly server: RuntimeApiServer;
  private readonly container: HarnessContainer;
  private readonly functionArn: string;
  private readonly ready: Promise<InitOutcome>;
  private settleReady!: (outcome: InitOutcome) => void;
  // Handles the effects act on: the engine's answer to the start (the container id, or undefined
  // when it refused), the container's end, the invoke's interruption and its deadline timer.
  private started: Promise<string | undefined> = Promise.resolve(undefined);
  private exited: Promise<void> = Promise.resolve();
  private interrupt: ((reason: Interruption) => void) | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private memory: ContainerMemory | undefined;
  private storage: EphemeralStorage | undefined;
  // Log plumbing.
  private readonly recentLogs = new LineTail(RECENT_LOG_LINES);
  // awslambdaric joins multi-line records with \r (one CloudWatch event); a terminal needs \n.
  private readonly logLines = new LineSplitter((line) => this.log(line.replace(/\r$/, '').replace(/\r/g, '\n')), { raw: true });
  /** Lines of the invoke in progress, kept only when it asked for a log tail. */
  private invokeLog: string[] | undefined;
  private lastOutputAt = 0;
  private lastPeakBytes: number | undefined;

  private constructor(
    readonly spec: LaunchSpec,
    private readonly options: EnvironmentOptions,
  ) {
    this.container = new HarnessContainer(spec.image, spec.functionName);
    this.name = this.container.name;
    this.functionArn = functionArn(spec.functionName, regionOf(spec));
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    this.server = new RuntimeApiServer({
      timeoutMs: spec.timeoutSeconds * 1000,
      onNext: (atMs) => this.dispatch({ type: 'runtime-polled', atMs }),
      onDelivered: (_requestId, atMs) => this.dispatch({ type: 'delivered', atMs }),
      onInitError: (error) => this.dispatch({ type: 'init-error', error, atMs: performance.now() }),
    });
  }

  get state(): EnvironmentStatus {
    return statusOf(this.lifecycle);
  }

  /** The full lifecycle state, for diagnostics and tests. */
  get lifecycleState(): EnvironmentState {
    return this.lifecycle;
  }

  /** Container start -> first `/next`, while the environment is ready or invoking. */
  get initDurationMs(): number | undefined {
    return this.lifecycle.kind === 'idle' || this.lifecycle.kind === 'invoking' ? this.lifecycle.initDurationMs : undefined;
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

    this.dispatch({ type: 'launch', atMs: performance.now() });
    this.started = container.start().then(
      (started) => started.getId(),
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
      const oomKilled = exitCode === 137 && !removalRequested(this.lifecycle) && (await this.engineSawOomKill(id));
      if (logs) await Promise.race([logs.ended, new Promise((resolve) => setTimeout(resolve, LOG_DRAIN_MS).unref())]);
      // Stopped by us or not: an invoke in flight (or the first one, still waiting for init) ends as an exit.
      this.dispatch({ type: 'container-exited', exit: { exitCode, oomKilled }, atMs: performance.now() });
    });
    // An init that never reaches /next (hung import, endless loop at module level).
    const initTimeoutMs = this.options.initTimeoutMs ?? 10_000 + this.spec.timeoutSeconds * 1000;
    const initTimer = setTimeout(() => this.dispatch({ type: 'init-timed-out', atMs: performance.now() }), initTimeoutMs);
    void this.ready.then(() => clearTimeout(initTimer));
  }

  /** Runs one invoke; the environment must be idle or starting (one invoke at a time). */
  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const accepted = this.dispatch({ type: 'invoke', requestId: request.requestId });
    const coldStart = 'invoke' in accepted && accepted.invoke ? accepted.invoke.coldStart : false;
    // Listening from now on: the container may die while this invoke still waits for init.
    const interrupted = new Promise<Interruption>((resolve) => (this.interrupt = resolve));
    this.invokeLog = request.tailLog ? [] : undefined;
    const invokeStartedAt = performance.now();

    const init = await this.ready;
    if (init.kind === 'start-failed') throw init.error;
    this.log(startLine(request.requestId));
    if (init.kind !== 'ready') {
      // Init failed: Lambda answers the invoke with the init error and discards the environment.
      this.interrupt = undefined;
      this.dispatch({ type: 'stop', reason: 'init-failed' });
      const failure = this.initFailure(request.requestId, init);
      return this.finish(request.requestId, { ...failure, phase: 'init', durationMs: performance.now() - invokeStartedAt, coldStart, initDurationMs: init.initDurationMs });
    }

    const answered = this.server.submit({
      requestId: request.requestId,
      payload: request.payload,
      functionArn: this.functionArn,
      traceId: newTraceId(),
      clientContext: request.clientContext,
      cognitoIdentity: request.cognitoIdentity,
    });
    const outcome: InvocationOutcome | Interruption = await Promise.race([answered, interrupted]);
    this.interrupt = undefined;
    const deliveredAt = this.lifecycle.kind === 'invoking' ? this.lifecycle.deliveredAtMs ?? invokeStartedAt : invokeStartedAt;
    const fields = { coldStart, initDurationMs: coldStart ? init.initDurationMs : undefined };
    switch (outcome.kind) {
      case 'response':
        this.dispatch({ type: 'answered' });
        return this.finish(request.requestId, { ok: true, payload: outcome.body, durationMs: outcome.atMs - deliveredAt, ...fields });
      case 'error': {
        this.dispatch({ type: 'answered' });
        const parsed = parseErrorPayload(outcome.body);
        return this.finish(request.requestId, {
          ok: false, errorType: outcome.errorType, errorMessage: parsed.errorMessage ?? outcome.body.toString('utf8'),
          trace: parsed.trace, payload: outcome.body, durationMs: outcome.atMs - deliveredAt, ...fields,
        });
      }
      case 'response-too-large': {
        this.dispatch({ type: 'response-too-large' });
        const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`;
        return this.finish(request.requestId, {
          ok: false, errorType: 'Function.ResponseSizeTooLarge', errorMessage,
          payload: Buffer.from(JSON.stringify({ errorMessage, errorType: 'Function.ResponseSizeTooLarge' })),
          durationMs: outcome.atMs - deliveredAt, ...fields,
        });
      }
      case 'timeout': {
        // The machine already discarded the environment (deadline-passed).
        this.server.abandon(request.requestId);
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
        const outOfMemory = outcome.exit.oomKilled;
        const errorType = outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
        const errorMessage = outOfMemory ? outOfMemoryMessage(request.requestId) : exitErrorMessage(request.requestId, outcome.exit.exitCode);
        return this.finish(request.requestId, {
          ok: false, errorType, errorMessage,
          payload: Buffer.from(JSON.stringify({ errorType, errorMessage })),
          durationMs: performance.now() - (outcome.deliveredAtMs ?? invokeStartedAt), ...fields,
        }, outOfMemory ? this.spec.memoryMb : bytesToKnownMb(this.lastPeakBytes));
      }
    }
  }

  /** Removes the container and closes the Runtime API server. Safe to call twice. */
  async stop(): Promise<void> {
    this.dispatch({ type: 'stop', reason: 'retired' });
    await this.exited;
    this.memory?.close();
    await Promise.all([this.server.close(), this.storage?.release()]);
  }

  /** Last lines the container printed, for error messages. */
  recentLogLines(): readonly string[] {
    return this.recentLogs.lines();
  }

  /**
   * Moves the lifecycle and performs what the move asks. A refused command (an invoke on a busy
   * or dead environment) throws; facts are never refused.
   */
  private dispatch(event: EnvironmentEvent): EnvironmentState {
    const next = transition(this.lifecycle, event);
    if (next.refusal) throw new Error(`Execution environment ${this.name} ${next.refusal}.`);
    this.lifecycle = next.state;
    for (const effect of next.effects) this.perform(effect);
    return next.state;
  }

  private perform(effect: EnvironmentEffect): void {
    switch (effect.kind) {
      case 'settle-init':
        this.settleReady(effect.outcome);
        return;
      case 'arm-deadline':
        this.deadlineTimer = setTimeout(() => this.dispatch({ type: 'deadline-passed' }), this.spec.timeoutSeconds * 1000);
        return;
      case 'clear-deadline':
        if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
        this.deadlineTimer = undefined;
        return;
      case 'interrupt-invoke':
        this.interrupt?.(effect.interruption);
        return;
      case 'remove-container':
        // Once the engine has answered the start (a failed start removes its own container); the
        // container's wait and log stream then end, which reports the exit.
        void this.started.then((id) => (id ? removeContainer(id).catch(() => undefined) : undefined));
        return;
    }
  }

  private initFailure(requestId: string, init: InitFailure) {
    if (init.kind === 'init-error') {
      const parsed = parseErrorPayload(init.error.body);
      return { ok: false as const, errorType: init.error.errorType, errorMessage: parsed.errorMessage ?? init.error.body.toString('utf8'), trace: parsed.trace, payload: init.error.body };
    }
    if (init.kind === 'init-timeout') {
      // The runtime never polled /next in time (hung import, endless loop at module level).
      const errorMessage = timedOutMessage(requestId, this.spec.timeoutSeconds);
      return { ok: false as const, errorType: 'Sandbox.Timedout', errorMessage, payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage })) };
    }
    const { exitCode, oomKilled } = init.exit;
    const errorType = oomKilled ? 'Runtime.OutOfMemory'
      : exitCode === 126 || exitCode === 127 ? 'Runtime.InvalidEntrypoint' : 'Runtime.ExitError';
    const errorMessage = oomKilled ? outOfMemoryMessage(requestId) : exitErrorMessage(requestId, exitCode);
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
      const containerId = await this.started;
      if (!containerId) return undefined;
      this.memory = new ContainerMemory(containerId);
    }
    if (this.state === 'dead') return this.memory.peakBytes().then((v) => v, () => undefined);
    return this.memory.peakBytes();
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
      this.dispatch({ type: 'container-exited', exit: { exitCode: 127, oomKilled: false }, atMs: performance.now() });
      return;
    }
    if (!missingImage && /permission denied/i.test(message)) {
      this.log(message);
      this.dispatch({ type: 'container-exited', exit: { exitCode: 126, oomKilled: false }, atMs: performance.now() });
      return;
    }
    this.dispatch({ type: 'start-failed', error: new EnvironmentStartError(
      `Could not start an execution environment for '${this.spec.functionName}' from image '${this.spec.image}'.\n` +
      `  the engine said: ${lastLines(message, 5).join('\n  ')}\n` +
      '  Likely cause: the image is not built locally (no registry is reachable). Build the runtime images with `npm run images`, or check the image tag.',
    ) });
  }

  private collectLogs(chunk: string): void {
    this.lastOutputAt = performance.now();
    this.logLines.push(chunk);
  }

  private log(line: string): void {
    this.recentLogs.push(line);
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

/** The real environments: containers through the Docker engine. */
export const containerEnvironments: EnvironmentFactory = {
  launch: (spec, options) => ExecutionEnvironment.launch(spec, options),
};
