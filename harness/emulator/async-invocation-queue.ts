/**
 * Asynchronous invocation as Lambda does it (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html):
 * events go to an internal queue and are accepted at once; the queue feeds the function; a
 * function error (exception, timeout, crash) is retried twice with a delay
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html: one minute,
 * then two); an event that still fails goes to the on-failure destination, the function's
 * dead-letter queue (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * Nothing accepted is dropped silently: every event ends as succeeded, dead-lettered, or
 * failed-and-reported; a full queue refuses new events with 429 TooManyRequestsException.
 * Used for `Event` invokes and for the local SNS and schedule deliveries.
 */
import { InvokeRejectedError, Invoker } from './lambda-emulator';
import { InvokeResult } from './invoke-result';
import { newRequestId } from '../../model/lambda-limits';

/** Lambda's delays before the first and the second retry. */
export const AWS_ASYNC_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

/** An event that failed every attempt, as handed to the on-failure destination. */
export interface FailedAsyncEvent {
  readonly functionName: string;
  readonly requestId: string;
  readonly payload: Buffer;
  readonly attempts: number;
  readonly errorType: string;
  readonly errorMessage: string;
}

export interface OnFailureDestination {
  /** `SQS queue local-sentiment-analysis-dlq`, for logs. */
  readonly description: string;
  send(failed: FailedAsyncEvent): Promise<void>;
}

export interface AsyncInvocationQueueProps {
  readonly invoker: Invoker;
  /** Events waiting (queued, running or waiting to retry) beyond which new ones get 429. @default 10000 */
  readonly maxPending?: number;
  /** Events handed to the function at once (keep at or below its environment limit). @default 10 */
  readonly concurrency?: number;
  /** Delay before each retry; its length is the number of retries. @default AWS_ASYNC_RETRY_DELAYS_MS (1 min, 2 min) */
  readonly retryDelaysMs?: readonly number[];
  /** Where an event goes after its last failed attempt. @default none (reported and counted only) */
  readonly onFailure?: OnFailureDestination;
  /** Told about retries, failures and dead-lettered events. @default discarded */
  readonly log?: (line: string) => void;
  /** Every attempt's result, for callers that track runs. @default none */
  readonly onAttempt?: (result: InvokeResult, attempt: number, payload: Buffer) => void;
}

export interface AsyncQueueStats {
  readonly accepted: number;
  readonly refused: number;
  readonly succeeded: number;
  readonly retries: number;
  /** Failed every attempt and reached the on-failure destination. */
  readonly deadLettered: number;
  /** Failed every attempt and no destination took it (none configured, or sending failed). */
  readonly failed: number;
  /** Accepted and not finished yet. */
  readonly pending: number;
}

/** How one accepted event ended. */
export interface AsyncEventOutcome {
  readonly requestId: string;
  readonly attempts: number;
  /** The last attempt's result (undefined when no attempt ran: the harness could not invoke). */
  readonly lastResult?: InvokeResult;
  readonly status: 'succeeded' | 'dead-lettered' | 'failed' | 'not-delivered';
}

interface QueuedEvent {
  readonly requestId: string;
  readonly payload: Buffer;
  attempts: number;
  lastResult?: InvokeResult;
  readonly settle: (outcome: AsyncEventOutcome) => void;
}

/** Throttled by the function's concurrency: try again soon, not counted as a retry. */
const THROTTLE_BACKOFF_MS = 50;

export class AsyncInvocationQueue {
  private readonly ready: QueuedEvent[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Events waiting for their retry (or for a throttle to pass). */
  private readonly waiting = new Set<QueuedEvent>();
  private readonly maxPending: number;
  private readonly concurrency: number;
  private readonly retryDelaysMs: readonly number[];
  private running = 0;
  private pendingCount = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private counts = { accepted: 0, refused: 0, succeeded: 0, retries: 0, deadLettered: 0, failed: 0 };
  /** Every event that failed all its attempts, with where it went. */
  readonly failures: (FailedAsyncEvent & { readonly deadLettered: boolean })[] = [];

  constructor(private readonly props: AsyncInvocationQueueProps) {
    this.maxPending = props.maxPending ?? 10_000;
    this.concurrency = props.concurrency ?? 10;
    this.retryDelaysMs = props.retryDelaysMs ?? AWS_ASYNC_RETRY_DELAYS_MS;
    if (!Number.isInteger(this.maxPending) || this.maxPending < 1) throw new Error(`maxPending must be an integer >= 1, got ${props.maxPending}.`);
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error(`concurrency must be an integer >= 1, got ${props.concurrency}.`);
    if (this.retryDelaysMs.some((ms) => !(ms >= 0))) throw new Error(`retryDelaysMs must be delays >= 0 ms, got ${JSON.stringify(props.retryDelaysMs)}.`);
  }

  get functionName(): string {
    return this.props.invoker.functionName;
  }

  get stats(): AsyncQueueStats {
    return { ...this.counts, pending: this.pendingCount };
  }

  /** Accepts an event (returns its request id) or throws InvokeRejectedError 429 when the queue is full. */
  enqueue(payload: Buffer, requestId = newRequestId()): string {
    return this.submit(payload, requestId).requestId;
  }

  /** Like enqueue, with a promise of how the event ended (after its retries). */
  submit(payload: Buffer, requestId = newRequestId()): { readonly requestId: string; readonly outcome: Promise<AsyncEventOutcome> } {
    if (this.stopped) throw new Error(`The asynchronous queue of '${this.functionName}' is stopped.`);
    if (this.pendingCount >= this.maxPending) {
      this.counts.refused++;
      throw new InvokeRejectedError(429, 'TooManyRequestsException',
        `Rate Exceeded: ${this.pendingCount} asynchronous events already queued for '${this.functionName}' (limit ${this.maxPending}).`);
    }
    this.counts.accepted++;
    this.pendingCount++;
    let settle!: (outcome: AsyncEventOutcome) => void;
    const outcome = new Promise<AsyncEventOutcome>((resolve) => (settle = resolve));
    this.ready.push({ requestId, payload: payload.length === 0 ? Buffer.from('{}') : payload, attempts: 0, settle });
    this.pump();
    return { requestId, outcome };
  }

  /** Resolves when every accepted event has finished (succeeded, dead-lettered or failed). */
  idle(): Promise<void> {
    return this.pendingCount === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops feeding the function; events still pending are reported, never silently dropped. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const left = this.pendingCount - this.running;
    if (left > 0) this.props.log?.(`[async] ${this.functionName}: stopped with ${left} accepted event(s) not delivered (${this.running} still running).`);
    for (const event of [...this.ready.splice(0), ...this.waiting]) event.settle({ requestId: event.requestId, attempts: event.attempts, lastResult: event.lastResult, status: 'not-delivered' });
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency && this.ready.length > 0) {
      const event = this.ready.shift()!;
      this.running++;
      void this.attempt(event).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async attempt(event: QueuedEvent): Promise<void> {
    let result: InvokeResult;
    try {
      // Retries keep the event's request id, as in Lambda.
      result = await this.props.invoker.invoke(event.payload, { requestId: event.requestId });
    } catch (error) {
      if (error instanceof InvokeRejectedError && error.statusCode === 429 && !this.stopped) {
        // Throttled: Lambda keeps the event and tries again (for up to 6 hours), no retry counted.
        this.later(THROTTLE_BACKOFF_MS, event);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      return this.failedAttempt(event, 'Harness.InvokeFailed', message);
    }
    event.attempts++;
    event.lastResult = result;
    this.props.onAttempt?.(result, event.attempts, event.payload);
    if (result.ok) {
      this.counts.succeeded++;
      event.settle({ requestId: event.requestId, attempts: event.attempts, lastResult: result, status: 'succeeded' });
      return this.done();
    }
    return this.failedAttempt(event, result.errorType, result.errorMessage, true);
  }

  private async failedAttempt(event: QueuedEvent, errorType: string, errorMessage: string, counted = false): Promise<void> {
    if (!counted) event.attempts++;
    if (this.stopped) {
      // Failed because everything is shutting down: not the function's failure, not dead-lettered.
      event.settle({ requestId: event.requestId, attempts: event.attempts, lastResult: event.lastResult, status: 'not-delivered' });
      return this.done();
    }
    const retry = event.attempts - 1;
    if (retry < this.retryDelaysMs.length && !this.stopped) {
      this.counts.retries++;
      const delay = this.retryDelaysMs[retry];
      this.props.log?.(`[async] ${this.functionName}: ${event.requestId} failed (${errorType}: ${firstLine(errorMessage)}); retry ${retry + 1} of ${this.retryDelaysMs.length} in ${formatDelay(delay)}`);
      this.later(delay, event);
      return;
    }
    const failed: FailedAsyncEvent = {
      functionName: this.functionName, requestId: event.requestId, payload: event.payload, attempts: event.attempts, errorType, errorMessage,
    };
    const destination = this.props.onFailure;
    let deadLettered = false;
    if (destination) {
      try {
        await destination.send(failed);
        deadLettered = true;
        this.props.log?.(`[async] ${this.functionName}: ${event.requestId} failed ${event.attempts} time(s) (${errorType}: ${firstLine(errorMessage)}); sent to ${destination.description}`);
      } catch (error) {
        this.props.log?.(`[async] ${this.functionName}: ${event.requestId} failed ${event.attempts} time(s) and could not be sent to ${destination.description}: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else {
      this.props.log?.(`[async] ${this.functionName}: ${event.requestId} failed ${event.attempts} time(s) (${errorType}: ${firstLine(errorMessage)}); no on-failure destination, event discarded after logging`);
    }
    if (deadLettered) this.counts.deadLettered++;
    else this.counts.failed++;
    this.failures.push({ ...failed, deadLettered });
    event.settle({ requestId: event.requestId, attempts: event.attempts, lastResult: event.lastResult, status: deadLettered ? 'dead-lettered' : 'failed' });
    this.done();
  }

  /** Puts the event back in the queue after a delay. */
  private later(delayMs: number, event: QueuedEvent): void {
    this.waiting.add(event);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.waiting.delete(event);
      if (this.stopped) return;
      this.ready.push(event);
      this.pump();
    }, delayMs);
    this.timers.add(timer);
  }

  private done(): void {
    this.pendingCount--;
    if (this.pendingCount > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}

/** `--async-retry-delays 1,2` (seconds) -> [1000, 2000]; validated with the fix in the message. */
export function parseRetryDelays(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
  const delays = parts.map(Number);
  if (parts.length === 0 || delays.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new Error(`retry delays must be comma-separated seconds >= 0 (e.g. '60,120', Lambda's), got '${text}'.`);
  }
  return delays.map((seconds) => Math.round(seconds * 1000));
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
