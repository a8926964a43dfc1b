/**
 * The served version of a function, switchable while it serves: the invoke endpoint, the Function
 * URL front and the asynchronous queues (SNS, schedule) hold this invoker, never a version's own
 * emulator, so `emulate --watch` can put a newly verified version in place without touching a port.
 * Each invoke runs on the version that was current when it arrived; after a swap the old version
 * finishes what it has in flight and is then stopped (its containers, its verification front).
 */
import { InvokeOptions } from '../emulator/lambda-emulator';
import { InvokeResult } from '../emulator/invoke-result';
import { ServedFunction, ServedInvoker } from './served-function';

/** One served version and the invokes it is running. */
class ServedVersion {
  private inFlight = 0;
  private drainedWaiters: (() => void)[] = [];

  constructor(readonly served: ServedFunction) {}

  async invoke(payload: Buffer, options?: InvokeOptions): Promise<InvokeResult> {
    this.inFlight++;
    try {
      return await this.served.emulator.invoke(payload, options);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.drainedWaiters.splice(0)) resolve();
    }
  }

  /** Resolves once no invoke is running on this version. */
  drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  get running(): number {
    return this.inFlight;
  }
}

export class SwitchableInvoker implements ServedInvoker {
  private current: ServedVersion;
  /** Previous versions finishing their in-flight invokes. */
  private readonly retiring = new Set<ServedVersion>();
  private stopped = false;

  constructor(initial: ServedFunction) {
    this.current = new ServedVersion(initial);
  }

  get functionName(): string {
    return this.current.served.spec.name;
  }

  get concurrencyLimit(): number | undefined {
    return this.current.served.emulator.concurrencyLimit;
  }

  /** The version new invokes go to. */
  get served(): ServedFunction {
    return this.current.served;
  }

  invoke(payload: Buffer, options?: InvokeOptions): Promise<InvokeResult> {
    if (this.stopped) return Promise.reject(new Error(`'${this.functionName}' is no longer served (stopped).`));
    return this.current.invoke(payload, options);
  }

  invokeJson(event: unknown, options?: InvokeOptions): Promise<InvokeResult> {
    return this.invoke(Buffer.from(JSON.stringify(event)), options);
  }

  /**
   * Sends every new invoke to `next` from now on, then waits for the invokes still running on the
   * previous version and stops it. Resolves once the previous version is gone; returns how many
   * invokes it had to finish first.
   */
  async swapTo(next: ServedFunction): Promise<{ finishedOnPrevious: number }> {
    if (next.spec.name !== this.functionName) {
      throw new Error(`Cannot serve '${next.spec.name}' in place of '${this.functionName}': a swap keeps the function, only its version changes.`);
    }
    if (this.stopped) {
      await next.stop();
      throw new Error(`'${this.functionName}' is no longer served (stopped): the new version was not put in place.`);
    }
    const previous = this.current;
    this.current = new ServedVersion(next);
    const finishedOnPrevious = previous.running;
    await this.retire(previous);
    return { finishedOnPrevious };
  }

  /** Stops the current version and, without waiting for their invokes, any previous one still finishing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([this.current, ...this.retiring].map((version) => version.served.stop()));
  }

  private async retire(version: ServedVersion): Promise<void> {
    this.retiring.add(version);
    try {
      await version.drained();
      if (!this.stopped) await version.served.stop();
    } finally {
      this.retiring.delete(version);
    }
  }
}
