/**
 * `emulate --watch` for one served function: an edit under its source directory re-runs the
 * verify pipeline on that function alone (build, inspect, boot, checks: verify-function.ts), and
 * only a version that passed replaces the one serving (watch-swap.ts). A failing edit leaves the
 * last good version serving and says why, with Lambda's error type. What is served is what was verified.
 */
import { touchArtifact } from '../build/artifact-retention';
import { resolveSourceDir } from '../build/build-artifact';
import { ProgressLog } from '../build/progress';
import { SwitchableInvoker } from './watch-swap';
import { describeFailedEdit } from './watch-failure';
import { SourceWatch, watchSourceDirectory } from './watch-files';
import { VerifiedFunction, VerifyFunctionProps, verifyFunction } from './verify-function';

/** What one rebuild ended with. */
export type WatchOutcome =
  | { readonly status: 'serving'; readonly contentHash: string; readonly files: readonly string[]; readonly verifiedMs: number }
  | { readonly status: 'rejected'; readonly errorType?: string; readonly files: readonly string[]; readonly verifiedMs: number }
  | { readonly status: 'error'; readonly error: Error; readonly files: readonly string[] };

export interface FunctionWatchProps {
  /** What the fronts hold; a version that passed is swapped into it. */
  readonly invoker: SwitchableInvoker;
  /**
   * Verifies the function's sources as they are now, leaving the new version served
   * (verifyFunction with keepServing) but not yet in the invoker.
   */
  readonly reverify: () => Promise<VerifiedFunction>;
  readonly log: ProgressLog;
  /** Told about a version that passed, before it serves (records it in the manifest). @default none */
  readonly onVerified?: (verified: VerifiedFunction) => void;
  /** Told after each rebuild, whatever its outcome. @default none */
  readonly onOutcome?: (outcome: WatchOutcome) => void;
  /** Quiet time after the last save before rebuilding. @default 300 ms */
  readonly debounceMs?: number;
}

export class FunctionWatch {
  private watch?: SourceWatch;
  private rebuilding?: Promise<void>;
  /** Files changed while a rebuild ran: one more rebuild after it, for all of them. */
  private pending = new Set<string>();
  private closed = false;

  constructor(private readonly props: FunctionWatchProps) {}

  get name(): string {
    return this.props.invoker.functionName;
  }

  /** `<hash12>` of the version serving now. */
  get servingHash(): string {
    return this.props.invoker.served.artifact.contentHash.slice(0, 12);
  }

  start(): this {
    const dir = resolveSourceDir(this.props.invoker.served.spec);
    this.watch = watchSourceDirectory({
      dir,
      debounceMs: this.props.debounceMs,
      onChange: (files) => this.changed(files),
      onError: (error) => this.props.log(`${this.name}: watching ${dir} failed: ${error.message}; edits are no longer picked up`),
    });
    this.props.log(`${this.name}: watching ${dir} (serving ${this.servingHash})`);
    return this;
  }

  /** Stops watching and waits for a rebuild under way (its new version is stopped if not yet swapped). */
  async close(): Promise<void> {
    this.closed = true;
    this.watch?.close();
    await this.rebuilding;
  }

  private changed(files: readonly string[]): void {
    if (this.closed) return;
    for (const file of files) this.pending.add(file);
    if (!this.rebuilding) this.rebuilding = this.drainPending();
  }

  private async drainPending(): Promise<void> {
    try {
      while (this.pending.size > 0 && !this.closed) {
        const files = [...this.pending].sort();
        this.pending.clear();
        const outcome = await this.rebuild(files);
        this.props.onOutcome?.(outcome);
      }
    } catch (error) {
      // Never let one rebuild take the served function (or the process) down with it.
      this.props.log(`${this.name}: watch error: ${error instanceof Error ? error.message : String(error)}; still serving ${this.servingHash}`);
    } finally {
      this.rebuilding = undefined;
    }
  }

  private async rebuild(files: readonly string[]): Promise<WatchOutcome> {
    const { log } = this.props;
    const started = Date.now();
    log(`${this.name}: change detected (${files.join(', ')}) -> rebuilding`);
    let verified: VerifiedFunction;
    try {
      verified = await this.props.reverify();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      log(`${this.name}: rebuild failed (${failure.message.split('\n')[0]}); still serving ${this.servingHash}`);
      return { status: 'error', error: failure, files };
    }
    const verifiedMs = Date.now() - started;
    const seconds = (verifiedMs / 1000).toFixed(1);
    if (!verified.report.passed || !verified.served || this.closed) {
      await verified.served?.stop();
      if (this.closed) return { status: 'error', error: new Error('the watch was closed during the rebuild'), files };
      const errorType = verified.report.checks.find((check) => !check.passed)?.errorType;
      log([
        `${this.name}: edit FAILED verification in ${seconds} s${errorType ? ` (${errorType})` : ''}; still serving the last good version ${this.servingHash}`,
        ...describeFailedEdit(verified.report),
      ].join('\n'));
      return { status: 'rejected', errorType, files, verifiedMs };
    }
    try {
      this.props.onVerified?.(verified);
    } catch (error) {
      log(`${this.name}: the verified version could not be recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
    const previous = this.servingHash;
    const swapped = this.props.invoker.swapTo(verified.served);
    const contentHash = verified.served.artifact.contentHash;
    log(`${this.name}: verified in ${seconds} s, now serving ${contentHash.slice(0, 12)}`);
    // The previous version finishes its in-flight invokes in the background, then stops.
    void swapped.then(
      ({ finishedOnPrevious }) => log(`${this.name}: previous version ${previous} stopped${finishedOnPrevious > 0 ? ` after finishing ${finishedOnPrevious} in-flight invoke(s)` : ''}`),
      (error: Error) => log(`${this.name}: stopping previous version ${previous} failed: ${error.message}`),
    );
    return { status: 'serving', contentHash, files, verifiedMs };
  }
}

/** What a re-verification takes besides the function itself (the same as its first verification). */
export type ReverifyOptions = Omit<VerifyFunctionProps, 'spec' | 'base' | 'keepServing' | 'urlPort' | 'engine'>;

/**
 * Re-verification of a served function's sources as they are now: the same spec, base and engine
 * it was first verified with, through the same pipeline as `npm run verify`. The new version's own
 * Function URL front takes a free port: the served port stays with the switchable front.
 */
export function reverifyFor(invoker: SwitchableInvoker, options: ReverifyOptions): () => Promise<VerifiedFunction> {
  const first = invoker.served;
  return () => {
    // Artifact retention keeps the newest few ZIPs per function: failed edits must not push out the
    // one serving (its unpacked directory is every new environment's /var/task).
    const serving = invoker.served.artifact;
    if (serving.kind === 'zip') touchArtifact(serving.zipPath);
    return verifyFunction({ ...options, spec: first.spec, base: first.artifact.base, engine: first.engine, keepServing: true });
  };
}
