/**
 * Execution environments without containers, for the pool's unit tests: each one runs the real
 * lifecycle machine (environment-state.ts), so it accepts and refuses exactly what a container
 * environment does; only the runtime is scripted. The test answers, times out or crashes the
 * invoke in flight, and every launch, invoke and stop is recorded.
 */
import { Environment, EnvironmentFactory, EnvironmentOptions, InvokeRequest } from '../../../harness/emulator/environment-factory';
import { EnvironmentEvent, EnvironmentState, EnvironmentStatus, statusOf, transition } from '../../../harness/emulator/environment-state';
import { InvokeResult, buildReport } from '../../../harness/emulator/invoke-result';
import { LaunchSpec } from '../../../harness/emulator/launch-spec';

interface InFlight {
  readonly request: InvokeRequest;
  readonly coldStart: boolean;
  readonly settle: (result: InvokeResult) => void;
}

export class FakeEnvironment implements Environment {
  private lifecycle: EnvironmentState = { kind: 'created' };
  private inFlight: InFlight | undefined;
  private readonly ready: Promise<boolean>;
  private settleReady!: (ready: boolean) => void;
  /** Every invoke this environment ran, in order. */
  readonly requests: InvokeRequest[] = [];
  stopCalls = 0;

  constructor(readonly name: string, readonly spec: LaunchSpec) {
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    this.dispatch({ type: 'launch', atMs: 0 });
  }

  get state(): EnvironmentStatus {
    return statusOf(this.lifecycle);
  }

  waitUntilReady(): Promise<boolean> {
    return this.ready;
  }

  /** The runtime polled `/next`: init is over. */
  finishInit(): void {
    this.dispatch({ type: 'runtime-polled', atMs: 120 });
    this.settleReady(true);
    if (this.inFlight) this.dispatch({ type: 'delivered', atMs: 130 });
  }

  invoke(request: InvokeRequest): Promise<InvokeResult> {
    const accepted = this.dispatch({ type: 'invoke', requestId: request.requestId });
    this.requests.push(request);
    const coldStart = 'invoke' in accepted && accepted.invoke ? accepted.invoke.coldStart : false;
    if (accepted.kind === 'invoking') this.dispatch({ type: 'delivered', atMs: 130 });
    return new Promise((settle) => (this.inFlight = { request, coldStart, settle }));
  }

  /** The runtime answers the invoke in flight with `{"echo": <payload>, "environment": <name>}`. */
  answer(): void {
    const { request, coldStart, settle } = this.takeInFlight();
    this.dispatch({ type: 'answered' });
    const payload = Buffer.from(JSON.stringify({ echo: JSON.parse(request.payload.toString('utf8')), environment: this.name }));
    settle({ ok: true, requestId: request.requestId, payload, report: report(request.requestId, coldStart, this.spec.memoryMb) });
  }

  /** The function's timeout passes: Sandbox.Timedout, and the environment is discarded. */
  timeOut(): void {
    const { request, coldStart, settle } = this.takeInFlight();
    this.dispatch({ type: 'deadline-passed' });
    const errorMessage = `RequestId: ${request.requestId} Error: Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`;
    settle({
      ok: false, requestId: request.requestId, errorType: 'Sandbox.Timedout', errorMessage,
      payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage })), report: report(request.requestId, coldStart, this.spec.memoryMb),
    });
  }

  /** The runtime process exits (between invokes, or during one: Runtime.ExitError). */
  crash(): void {
    this.dispatch({ type: 'container-exited', exit: { exitCode: 1, oomKilled: false }, atMs: 500 });
    if (!this.inFlight) return;
    const { request, coldStart, settle } = this.takeInFlight();
    const errorMessage = `RequestId: ${request.requestId} Error: Runtime exited with error: exit status 1`;
    settle({
      ok: false, requestId: request.requestId, errorType: 'Runtime.ExitError', errorMessage,
      payload: Buffer.from(JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage })), report: report(request.requestId, coldStart, this.spec.memoryMb),
    });
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  async stop(): Promise<void> {
    this.stopCalls++;
    this.dispatch({ type: 'stop', reason: 'retired' });
    this.dispatch({ type: 'container-exited', exit: { exitCode: 137, oomKilled: false }, atMs: 600 });
    this.settleReady(false);
    if (this.inFlight) this.crash();
  }

  private takeInFlight(): InFlight {
    const inFlight = this.inFlight;
    if (!inFlight) throw new Error(`fake environment ${this.name} has no invoke in flight`);
    this.inFlight = undefined;
    return inFlight;
  }

  private dispatch(event: EnvironmentEvent): EnvironmentState {
    const next = transition(this.lifecycle, event);
    if (next.refusal) throw new Error(`Execution environment ${this.name} ${next.refusal}.`);
    this.lifecycle = next.state;
    return next.state;
  }
}

export interface FakeEnvironmentsProps {
  /** Init finishes as soon as the environment is launched. @default true */
  readonly instantInit?: boolean;
}

/** The factory: records every environment it made; `failNextLaunch` makes the next launch reject. */
export class FakeEnvironments implements EnvironmentFactory {
  readonly launched: FakeEnvironment[] = [];
  readonly options: EnvironmentOptions[] = [];
  private nextFailure: Error | undefined;

  constructor(private readonly props: FakeEnvironmentsProps = {}) {}

  async launch(spec: LaunchSpec, options: EnvironmentOptions): Promise<Environment> {
    this.options.push(options);
    const failure = this.nextFailure;
    this.nextFailure = undefined;
    if (failure) throw failure;
    const environment = new FakeEnvironment(`fake-${this.launched.length + 1}`, spec);
    this.launched.push(environment);
    if (this.props.instantInit ?? true) environment.finishInit();
    return environment;
  }

  failNextLaunch(error: Error): void {
    this.nextFailure = error;
  }

  /** Environments with an invoke in flight. */
  get busy(): FakeEnvironment[] {
    return this.launched.filter((environment) => environment.busy);
  }
}

function report(requestId: string, coldStart: boolean, memorySizeMb: number) {
  return buildReport({ requestId, durationMs: 1, memorySizeMb, maxMemoryUsedMb: 40, coldStart, initDurationMs: coldStart ? 120 : undefined });
}

/** Lets pending promise callbacks run (the pool's hand-offs are promise chains), up to `rounds` macrotask turns. */
export async function settle(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round++) await new Promise((resolve) => setImmediate(resolve));
}
