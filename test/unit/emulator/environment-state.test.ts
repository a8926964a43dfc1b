/**
 * The execution environment's lifecycle as data: every state x every event, the next state and
 * the effects, refusals included. The rules come from
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html (Init until the
 * runtime's first /next, one invoke at a time, a failed init / timeout / exit discards the
 * environment) and https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html.
 */
import {
  EnvironmentEvent, EnvironmentState, InitOutcome, Interruption, removalRequested, statusOf, transition,
} from '../../../harness/emulator/environment-state';

const INIT_ERROR = { errorType: 'Runtime.ImportModuleError', body: Buffer.from('{"errorMessage":"No module named fastapi"}') };
const EXIT = { exitCode: 1, oomKilled: false };

const STATES = {
  created: { kind: 'created' },
  initializing: { kind: 'initializing', launchedAtMs: 100 },
  'initializing+invoke': { kind: 'initializing', launchedAtMs: 100, invoke: { requestId: 'r1', coldStart: true } },
  'init-failed': { kind: 'init-failed' },
  'init-failed+invoke': { kind: 'init-failed', invoke: { requestId: 'r1', coldStart: true } },
  idle: { kind: 'idle', initDurationMs: 250, invokedOnce: true },
  invoking: { kind: 'invoking', initDurationMs: 250, invoke: { requestId: 'r1', coldStart: false } },
  'invoking+delivered': { kind: 'invoking', initDurationMs: 250, invoke: { requestId: 'r1', coldStart: false }, deliveredAtMs: 400 },
  'stopping(init)': { kind: 'stopping', reason: 'retired', awaiting: 'init', launchedAtMs: 100 },
  'stopping(invoke)': { kind: 'stopping', reason: 'retired', awaiting: 'invoke', deliveredAtMs: 400 },
  'stopping(nothing)': { kind: 'stopping', reason: 'timed-out', awaiting: 'nothing' },
  exited: { kind: 'exited', exit: EXIT },
  stopped: { kind: 'stopped', reason: 'retired', exit: EXIT },
  'start-failed': { kind: 'start-failed' },
} satisfies Record<string, EnvironmentState>;

const EVENTS = {
  launch: { type: 'launch', atMs: 100 },
  invoke: { type: 'invoke', requestId: 'r2' },
  stop: { type: 'stop', reason: 'retired' },
  'start-failed': { type: 'start-failed', error: new Error('no such image') },
  'runtime-polled': { type: 'runtime-polled', atMs: 350 },
  'init-error': { type: 'init-error', error: INIT_ERROR, atMs: 300 },
  'init-timed-out': { type: 'init-timed-out', atMs: 10_100 },
  delivered: { type: 'delivered', atMs: 400 },
  answered: { type: 'answered' },
  'response-too-large': { type: 'response-too-large' },
  'deadline-passed': { type: 'deadline-passed' },
  'container-exited': { type: 'container-exited', exit: EXIT, atMs: 500 },
} satisfies { [T in EnvironmentEvent['type']]: Extract<EnvironmentEvent, { type: T }> };

type StateName = keyof typeof STATES;
type EventName = keyof typeof EVENTS;

/**
 * `=`: unchanged, no effects. `refused: <words>`: a refused command. Otherwise the next state's
 * kind, then `+` and the effects in order.
 */
const FACTS_IGNORED: Record<Exclude<EventName, 'launch' | 'invoke' | 'stop'>, string> = {
  'start-failed': '=', 'runtime-polled': '=', 'init-error': '=', 'init-timed-out': '=', delivered: '=',
  answered: '=', 'response-too-large': '=', 'deadline-passed': '=', 'container-exited': '=',
};
const LAUNCHED = 'refused: launched already';
const BUSY = 'refused: busy with r1';
const DEAD = 'refused: is dead';
const DURING_INIT = {
  launch: LAUNCHED,
  stop: 'stopping + remove-container',
  'start-failed': 'start-failed + settle-init',
  'init-error': 'init-failed + settle-init',
  'init-timed-out': 'init-failed + settle-init',
  delivered: '=', answered: '=', 'response-too-large': '=', 'deadline-passed': '=',
  'container-exited': 'exited + settle-init',
};
const DURING_INVOKE = {
  ...FACTS_IGNORED,
  launch: LAUNCHED,
  invoke: BUSY,
  stop: 'stopping + clear-deadline, remove-container',
  delivered: 'invoking + arm-deadline',
  answered: 'idle + clear-deadline',
  'response-too-large': 'stopping + clear-deadline, remove-container',
  'deadline-passed': 'stopping + interrupt-invoke, remove-container',
  'container-exited': 'exited + clear-deadline, interrupt-invoke',
};

const TABLE: Record<StateName, Record<EventName, string>> = {
  created: { ...FACTS_IGNORED, launch: 'initializing', invoke: 'refused: has not been launched', stop: 'stopped' },
  initializing: { ...DURING_INIT, invoke: 'initializing', 'runtime-polled': 'idle + settle-init' },
  'initializing+invoke': { ...DURING_INIT, invoke: BUSY, 'runtime-polled': 'invoking + settle-init' },
  'init-failed': { ...FACTS_IGNORED, launch: LAUNCHED, invoke: 'init-failed', stop: 'stopping + remove-container', 'container-exited': 'exited' },
  'init-failed+invoke': { ...FACTS_IGNORED, launch: LAUNCHED, invoke: BUSY, stop: 'stopping + remove-container', 'container-exited': 'exited' },
  idle: { ...FACTS_IGNORED, launch: LAUNCHED, invoke: 'invoking', stop: 'stopping + remove-container', 'container-exited': 'exited' },
  invoking: DURING_INVOKE,
  'invoking+delivered': { ...DURING_INVOKE, delivered: '=' },
  'stopping(init)': { ...FACTS_IGNORED, launch: LAUNCHED, invoke: DEAD, stop: '=', 'start-failed': 'stopped + settle-init', 'container-exited': 'stopped + settle-init' },
  'stopping(invoke)': { ...FACTS_IGNORED, launch: LAUNCHED, invoke: DEAD, stop: '=', 'start-failed': 'stopped', 'container-exited': 'stopped + interrupt-invoke' },
  'stopping(nothing)': { ...FACTS_IGNORED, launch: LAUNCHED, invoke: DEAD, stop: '=', 'start-failed': 'stopped', 'container-exited': 'stopped' },
  exited: { ...FACTS_IGNORED, launch: LAUNCHED, invoke: DEAD, stop: 'stopped + remove-container' },
  stopped: { ...FACTS_IGNORED, launch: LAUNCHED, invoke: DEAD, stop: '=' },
  'start-failed': { ...FACTS_IGNORED, launch: LAUNCHED, invoke: DEAD, stop: '=' },
};

const ROWS = (Object.keys(TABLE) as StateName[]).flatMap((state) =>
  (Object.keys(EVENTS) as EventName[]).map((event) => [state, event, TABLE[state][event]] as const));

describe('environment lifecycle: the state x event table', () => {
  test('the table covers every state kind and every event type', () => {
    const kinds: EnvironmentState['kind'][] = ['created', 'initializing', 'init-failed', 'idle', 'invoking', 'stopping', 'exited', 'stopped', 'start-failed'];
    expect(new Set(Object.values(STATES).map((state) => state.kind))).toEqual(new Set(kinds));
    expect(ROWS).toHaveLength(Object.keys(STATES).length * Object.keys(EVENTS).length);
  });

  test.each(ROWS)('%s + %s -> %s', (stateName, eventName, expected) => {
    const state: EnvironmentState = STATES[stateName];
    const result = transition(state, EVENTS[eventName]);
    if (expected === '=') {
      expect(result.refusal).toBeUndefined();
      expect(result.state).toBe(state);
      expect(result.effects).toEqual([]);
    } else if (expected.startsWith('refused: ')) {
      expect(result.refusal).toContain(expected.slice('refused: '.length));
      expect(result.state).toBe(state);
      expect(result.effects).toEqual([]);
    } else {
      const [kind, effects = ''] = expected.split(' + ');
      expect(result.refusal).toBeUndefined();
      expect(result.state.kind).toBe(kind);
      expect(result.effects.map((effect) => effect.kind)).toEqual(effects ? effects.split(', ') : []);
    }
  });
});

describe('environment lifecycle: the data each move carries', () => {
  const settled = (state: EnvironmentState, event: EnvironmentEvent): InitOutcome => {
    const effect = transition(state, event).effects.find((e) => e.kind === 'settle-init');
    if (effect?.kind !== 'settle-init') throw new Error('no settle-init effect');
    return effect.outcome;
  };
  const interruption = (state: EnvironmentState, event: EnvironmentEvent): Interruption => {
    const effect = transition(state, event).effects.find((e) => e.kind === 'interrupt-invoke');
    if (effect?.kind !== 'interrupt-invoke') throw new Error('no interrupt-invoke effect');
    return effect.interruption;
  };

  test('init lasts from the launch to the first /next (REPORT Init Duration)', () => {
    expect(settled(STATES.initializing, EVENTS['runtime-polled'])).toEqual({ kind: 'ready', initDurationMs: 250 });
    expect(transition(STATES.initializing, EVENTS['runtime-polled']).state).toEqual({ kind: 'idle', initDurationMs: 250, invokedOnce: false });
  });

  test('init failures carry their cause and how long init ran', () => {
    expect(settled(STATES.initializing, EVENTS['init-error'])).toEqual({ kind: 'init-error', error: INIT_ERROR, initDurationMs: 200 });
    expect(settled(STATES.initializing, EVENTS['init-timed-out'])).toEqual({ kind: 'init-timeout', initDurationMs: 10_000 });
    expect(settled(STATES.initializing, EVENTS['container-exited'])).toEqual({ kind: 'exit', exit: EXIT, initDurationMs: 400 });
    expect(settled(STATES['stopping(init)'], EVENTS['container-exited'])).toEqual({ kind: 'exit', exit: EXIT, initDurationMs: 400 });
    expect(settled(STATES.initializing, EVENTS['start-failed'])).toEqual({ kind: 'start-failed', error: EVENTS['start-failed'].error });
  });

  test('only the invoke that meets init is a cold start; a prewarmed environment\'s first invoke is one too', () => {
    const waiting = transition(STATES.initializing, EVENTS.invoke).state;
    expect(waiting).toEqual({ kind: 'initializing', launchedAtMs: 100, invoke: { requestId: 'r2', coldStart: true } });
    const prewarmed = transition(STATES.initializing, EVENTS['runtime-polled']).state;
    expect(transition(prewarmed, EVENTS.invoke).state).toMatchObject({ kind: 'invoking', invoke: { coldStart: true } });
    expect(transition(STATES.idle, EVENTS.invoke).state).toEqual({ kind: 'invoking', initDurationMs: 250, invoke: { requestId: 'r2', coldStart: false } });
    // After an answer the environment is warm.
    expect(transition(STATES['invoking+delivered'], EVENTS.answered).state).toEqual({ kind: 'idle', initDurationMs: 250, invokedOnce: true });
  });

  test('the deadline starts when the runtime takes the event, and a timeout discards the environment', () => {
    expect(transition(STATES.invoking, EVENTS.delivered).state).toMatchObject({ deliveredAtMs: 400 });
    const timedOut = transition(STATES['invoking+delivered'], EVENTS['deadline-passed']);
    expect(timedOut.state).toEqual({ kind: 'stopping', reason: 'timed-out', awaiting: 'nothing' });
    expect(interruption(STATES['invoking+delivered'], EVENTS['deadline-passed'])).toEqual({ kind: 'timeout' });
  });

  test('an exit mid-invoke interrupts it with the exit and when the event was delivered', () => {
    expect(interruption(STATES['invoking+delivered'], EVENTS['container-exited'])).toEqual({ kind: 'exit', exit: EXIT, deliveredAtMs: 400 });
    // Stopped by the pool mid-invoke: the invoke still learns of the exit.
    const stopping = transition(STATES['invoking+delivered'], EVENTS.stop).state;
    expect(interruption(stopping, EVENTS['container-exited'])).toEqual({ kind: 'exit', exit: EXIT, deliveredAtMs: 400 });
  });

  test('a response over the limit discards the environment (the runtime crashes on the 413)', () => {
    expect(transition(STATES['invoking+delivered'], EVENTS['response-too-large']).state).toEqual({ kind: 'stopping', reason: 'response-too-large', awaiting: 'nothing' });
  });

  test('what the pool sees: starting, idle, busy, dead', () => {
    const status = Object.fromEntries(Object.entries(STATES).map(([name, state]) => [name, statusOf(state)]));
    expect(status).toEqual({
      created: 'starting', initializing: 'starting', 'initializing+invoke': 'busy', 'init-failed': 'starting', 'init-failed+invoke': 'busy',
      idle: 'idle', invoking: 'busy', 'invoking+delivered': 'busy',
      'stopping(init)': 'dead', 'stopping(invoke)': 'dead', 'stopping(nothing)': 'dead', exited: 'dead', stopped: 'dead', 'start-failed': 'dead',
    });
  });

  test('an exit after removal was asked is our SIGKILL, not the OOM killer', () => {
    const asked = Object.entries(STATES).filter(([, state]) => removalRequested(state)).map(([name]) => name);
    expect(asked).toEqual(['stopping(init)', 'stopping(invoke)', 'stopping(nothing)', 'stopped']);
  });
});
