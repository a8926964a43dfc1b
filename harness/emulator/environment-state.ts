/**
 * The life of one execution environment as data: its states, the events that move it, and what
 * each move asks ExecutionEnvironment to do (effects). Pure: no timers, containers or promises,
 * so every rule is a row of a table test (test/unit/emulator/environment-state.test.ts).
 *
 * Lambda's lifecycle (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html):
 * Init lasts until the runtime's first `GET /next`; then one invoke at a time; an environment
 * whose init failed, that timed out or whose runtime exited is discarded, never reused.
 *
 * Two kinds of events: commands (`launch`, `invoke`, `stop`), which a state may refuse with a
 * reason, and facts the container or the runtime reports, which are never refused: a fact a
 * state cannot act on (a late deadline, another `/next` poll) leaves it unchanged.
 */
import type { InitError } from './runtime-api-server';

/** An invoke the environment accepted. */
export interface AcceptedInvoke {
  readonly requestId: string;
  /** It met the environment's init: REPORT carries Init Duration on this one only. */
  readonly coldStart: boolean;
}

export interface ContainerExit {
  /** null: the container never ran. */
  readonly exitCode: number | null;
  /** The engine saw the memory cgroup's OOM killer end it (Runtime.OutOfMemory). */
  readonly oomKilled: boolean;
}

/** How init ended; durations run from the container's launch. */
export type InitOutcome =
  | { readonly kind: 'ready'; readonly initDurationMs: number }
  | { readonly kind: 'init-error'; readonly error: InitError; readonly initDurationMs: number }
  | { readonly kind: 'init-timeout'; readonly initDurationMs: number }
  | { readonly kind: 'exit'; readonly exit: ContainerExit; readonly initDurationMs: number }
  | { readonly kind: 'start-failed'; readonly error: Error };

export type InitFailure = Extract<InitOutcome, { kind: 'init-error' | 'init-timeout' | 'exit' }>;

/** What ends an invoke before the runtime answers it. */
export type Interruption =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'exit'; readonly exit: ContainerExit; readonly deliveredAtMs?: number };

/** Why the environment is being removed. */
export type StopReason = 'init-failed' | 'timed-out' | 'response-too-large' | 'retired';

export type EnvironmentState =
  /** Constructed; no container yet. */
  | { readonly kind: 'created' }
  /** The container is starting and the runtime has not polled `/next` yet. */
  | { readonly kind: 'initializing'; readonly launchedAtMs: number; readonly invoke?: AcceptedInvoke }
  /** Init failed (init error or timeout); the waiting or next invoke reports it, then discards the environment. */
  | { readonly kind: 'init-failed'; readonly invoke?: AcceptedInvoke }
  | { readonly kind: 'idle'; readonly initDurationMs: number; readonly invokedOnce: boolean }
  | { readonly kind: 'invoking'; readonly initDurationMs: number; readonly invoke: AcceptedInvoke; readonly deliveredAtMs?: number }
  /** Removal asked of the engine; `awaiting` is who learns of the container's exit when it comes. */
  | {
      readonly kind: 'stopping';
      readonly reason: StopReason;
      readonly awaiting: 'init' | 'invoke' | 'nothing';
      /** For the init outcome an `awaiting: 'init'` exit settles. @default none */
      readonly launchedAtMs?: number;
      /** For the duration an `awaiting: 'invoke'` exit reports. @default none */
      readonly deliveredAtMs?: number;
    }
  /** The container ended on its own (crash, OOM, killed from outside) and is not removed yet. */
  | { readonly kind: 'exited'; readonly exit: ContainerExit }
  /** Removed and gone: nothing is left. */
  | { readonly kind: 'stopped'; readonly reason: StopReason; readonly exit: ContainerExit }
  /** The engine refused to create the container: it never existed. */
  | { readonly kind: 'start-failed' };

export type EnvironmentEvent =
  // commands
  | { readonly type: 'launch'; readonly atMs: number }
  | { readonly type: 'invoke'; readonly requestId: string }
  | { readonly type: 'stop'; readonly reason: StopReason }
  // facts
  | { readonly type: 'start-failed'; readonly error: Error }
  /** The runtime polled `GET /next` (the first poll ends init). */
  | { readonly type: 'runtime-polled'; readonly atMs: number }
  | { readonly type: 'init-error'; readonly error: InitError; readonly atMs: number }
  | { readonly type: 'init-timed-out'; readonly atMs: number }
  /** The runtime took the invocation: the function's timeout starts now. */
  | { readonly type: 'delivered'; readonly atMs: number }
  /** The runtime posted a response or an error within the limits. */
  | { readonly type: 'answered' }
  | { readonly type: 'response-too-large' }
  | { readonly type: 'deadline-passed' }
  | { readonly type: 'container-exited'; readonly exit: ContainerExit; readonly atMs: number };

export type EnvironmentEffect =
  /** Resolve the init outcome the waiting invoke (or prewarm) awaits. */
  | { readonly kind: 'settle-init'; readonly outcome: InitOutcome }
  /** Start the function's timeout; when it passes, report `deadline-passed`. */
  | { readonly kind: 'arm-deadline' }
  | { readonly kind: 'clear-deadline' }
  /** End the invoke in flight without the runtime's answer. */
  | { readonly kind: 'interrupt-invoke'; readonly interruption: Interruption }
  /** Ask the engine to remove the container (its exit is then reported as a fact). */
  | { readonly kind: 'remove-container' };

export interface Transition {
  readonly state: EnvironmentState;
  readonly effects: readonly EnvironmentEffect[];
  /** Set when a command is refused (the state is then unchanged): why, for the caller's error. */
  readonly refusal?: string;
}

/** What LambdaEmulator's pool sees of an environment. */
export type EnvironmentStatus = 'starting' | 'idle' | 'busy' | 'dead';

const NO_EXIT: ContainerExit = { exitCode: null, oomKilled: false };

export function statusOf(state: EnvironmentState): EnvironmentStatus {
  switch (state.kind) {
    case 'created':
      return 'starting';
    case 'initializing':
    case 'init-failed':
      return state.invoke ? 'busy' : 'starting';
    case 'idle':
      return 'idle';
    case 'invoking':
      return 'busy';
    case 'stopping':
    case 'exited':
    case 'stopped':
    case 'start-failed':
      return 'dead';
  }
}

/** True once removal was asked: an exit 137 then is our SIGKILL, not the OOM killer. */
export function removalRequested(state: EnvironmentState): boolean {
  return state.kind === 'stopping' || state.kind === 'stopped';
}

/** The one transition function: (state, event) -> next state and effects, or a refusal. */
export function transition(state: EnvironmentState, event: EnvironmentEvent): Transition {
  switch (event.type) {
    case 'launch':
      return state.kind === 'created'
        ? to({ kind: 'initializing', launchedAtMs: event.atMs })
        : refuse(state, `was launched already (${state.kind})`);
    case 'invoke':
      return invoke(state, event.requestId);
    case 'stop':
      return stop(state, event.reason);
    default:
      return fact(state, event);
  }
}

function invoke(state: EnvironmentState, requestId: string): Transition {
  switch (state.kind) {
    case 'created':
      return refuse(state, 'has not been launched');
    case 'initializing':
    case 'init-failed':
      if (state.invoke) return refuse(state, `is busy with ${state.invoke.requestId}: it runs one invoke at a time`);
      return to({ ...state, invoke: { requestId, coldStart: true } });
    case 'idle':
      return to({ kind: 'invoking', initDurationMs: state.initDurationMs, invoke: { requestId, coldStart: !state.invokedOnce } });
    case 'invoking':
      return refuse(state, `is busy with ${state.invoke.requestId}: it runs one invoke at a time`);
    case 'stopping':
    case 'exited':
    case 'stopped':
    case 'start-failed':
      return refuse(state, `is dead (${state.kind}${'reason' in state ? `, ${state.reason}` : ''}): a discarded environment is never reused`);
  }
}

/** Stop is never refused; a second one changes nothing. */
function stop(state: EnvironmentState, reason: StopReason): Transition {
  switch (state.kind) {
    case 'created':
      return to({ kind: 'stopped', reason, exit: NO_EXIT });
    case 'initializing':
      return to({ kind: 'stopping', reason, awaiting: 'init', launchedAtMs: state.launchedAtMs }, { kind: 'remove-container' });
    case 'init-failed':
    case 'idle':
      return to({ kind: 'stopping', reason, awaiting: 'nothing' }, { kind: 'remove-container' });
    case 'invoking':
      return to(
        { kind: 'stopping', reason, awaiting: 'invoke', deliveredAtMs: state.deliveredAtMs },
        { kind: 'clear-deadline' },
        { kind: 'remove-container' },
      );
    case 'exited':
      return to({ kind: 'stopped', reason, exit: state.exit }, { kind: 'remove-container' });
    case 'stopping':
    case 'stopped':
    case 'start-failed':
      return unchanged(state);
  }
}

type Fact = Exclude<EnvironmentEvent, { type: 'launch' | 'invoke' | 'stop' }>;

function fact(state: EnvironmentState, event: Fact): Transition {
  switch (state.kind) {
    case 'created':
      return unchanged(state);
    case 'initializing':
      return duringInit(state, event);
    case 'init-failed':
      // Init already settled: only the container's end matters now.
      return event.type === 'container-exited' ? to({ kind: 'exited', exit: event.exit }) : unchanged(state);
    case 'idle':
      // Another /next poll is the runtime waiting for work; an exit is a crash between invokes.
      return event.type === 'container-exited' ? to({ kind: 'exited', exit: event.exit }) : unchanged(state);
    case 'invoking':
      return duringInvoke(state, event);
    case 'stopping':
      return whileStopping(state, event);
    case 'exited':
    case 'stopped':
    case 'start-failed':
      return unchanged(state);
  }
}

function duringInit(state: Extract<EnvironmentState, { kind: 'initializing' }>, event: Fact): Transition {
  const initDurationMs = 'atMs' in event ? event.atMs - state.launchedAtMs : 0;
  switch (event.type) {
    case 'runtime-polled': {
      const settle: EnvironmentEffect = { kind: 'settle-init', outcome: { kind: 'ready', initDurationMs } };
      return state.invoke
        ? to({ kind: 'invoking', initDurationMs, invoke: state.invoke }, settle)
        : to({ kind: 'idle', initDurationMs, invokedOnce: false }, settle);
    }
    case 'init-error':
      return to({ kind: 'init-failed', invoke: state.invoke }, { kind: 'settle-init', outcome: { kind: 'init-error', error: event.error, initDurationMs } });
    case 'init-timed-out':
      return to({ kind: 'init-failed', invoke: state.invoke }, { kind: 'settle-init', outcome: { kind: 'init-timeout', initDurationMs } });
    case 'container-exited':
      return to({ kind: 'exited', exit: event.exit }, { kind: 'settle-init', outcome: { kind: 'exit', exit: event.exit, initDurationMs } });
    case 'start-failed':
      return to({ kind: 'start-failed' }, { kind: 'settle-init', outcome: { kind: 'start-failed', error: event.error } });
    case 'delivered':
    case 'answered':
    case 'response-too-large':
    case 'deadline-passed':
      // Nothing was submitted before init ended: these cannot belong to this environment's init.
      return unchanged(state);
  }
}

function duringInvoke(state: Extract<EnvironmentState, { kind: 'invoking' }>, event: Fact): Transition {
  switch (event.type) {
    case 'delivered':
      return state.deliveredAtMs === undefined ? to({ ...state, deliveredAtMs: event.atMs }, { kind: 'arm-deadline' }) : unchanged(state);
    case 'answered':
      return to({ kind: 'idle', initDurationMs: state.initDurationMs, invokedOnce: true }, { kind: 'clear-deadline' });
    case 'response-too-large':
      // The runtime crashes on the 413; Lambda discards the environment too.
      return to({ kind: 'stopping', reason: 'response-too-large', awaiting: 'nothing' }, { kind: 'clear-deadline' }, { kind: 'remove-container' });
    case 'deadline-passed':
      return to(
        { kind: 'stopping', reason: 'timed-out', awaiting: 'nothing' },
        { kind: 'interrupt-invoke', interruption: { kind: 'timeout' } },
        { kind: 'remove-container' },
      );
    case 'container-exited':
      return to(
        { kind: 'exited', exit: event.exit },
        { kind: 'clear-deadline' },
        { kind: 'interrupt-invoke', interruption: { kind: 'exit', exit: event.exit, deliveredAtMs: state.deliveredAtMs } },
      );
    case 'runtime-polled':
    case 'init-error':
    case 'init-timed-out':
    case 'start-failed':
      return unchanged(state);
  }
}

function whileStopping(state: Extract<EnvironmentState, { kind: 'stopping' }>, event: Fact): Transition {
  if (event.type === 'container-exited') {
    const stopped: EnvironmentState = { kind: 'stopped', reason: state.reason, exit: event.exit };
    if (state.awaiting === 'init') {
      return to(stopped, { kind: 'settle-init', outcome: { kind: 'exit', exit: event.exit, initDurationMs: event.atMs - (state.launchedAtMs ?? event.atMs) } });
    }
    if (state.awaiting === 'invoke') {
      return to(stopped, { kind: 'interrupt-invoke', interruption: { kind: 'exit', exit: event.exit, deliveredAtMs: state.deliveredAtMs } });
    }
    return to(stopped);
  }
  // Stopped while the engine was still creating the container, which then failed: nothing to wait for.
  if (event.type === 'start-failed') {
    const stopped: EnvironmentState = { kind: 'stopped', reason: state.reason, exit: NO_EXIT };
    return state.awaiting === 'init' ? to(stopped, { kind: 'settle-init', outcome: { kind: 'start-failed', error: event.error } }) : to(stopped);
  }
  return unchanged(state);
}

function to(state: EnvironmentState, ...effects: EnvironmentEffect[]): Transition {
  return { state, effects };
}

function unchanged(state: EnvironmentState): Transition {
  return { state, effects: [] };
}

function refuse(state: EnvironmentState, refusal: string): Transition {
  return { state, effects: [], refusal };
}
