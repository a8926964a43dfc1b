/**
 * Stopping cleanly at any moment: SIGINT, SIGTERM or SIGHUP (or the parent process going away,
 * which is what `kill <npm pid>` does to a script's shell) runs every registered cleanup, newest
 * first, then exits. While shutting down nothing new may start (the docker wrapper refuses), so a
 * build or verify still running cannot leave a container behind after its cleanup ran.
 */

export type Cleanup = () => unknown;

const cleanups: Cleanup[] = [];
let stopping: Promise<void> | undefined;
let installed = false;
let signalled = false;

/** Registers a cleanup; returns the function that unregisters it (call it once the resource is gone). */
export function onShutdown(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const at = cleanups.lastIndexOf(cleanup);
    if (at >= 0) cleanups.splice(at, 1);
  };
}

export function isShuttingDown(): boolean {
  return stopping !== undefined;
}

/** True once a signal (or the parent leaving) started the shutdown: its handler exits the process. */
export function stoppedBySignal(): boolean {
  return signalled;
}

/** Thrown by anything asked to start while the process is shutting down. */
export class ShuttingDownError extends Error {
  constructor(what: string) {
    super(`Not starting ${what}: the harness is shutting down.`);
    this.name = 'ShuttingDownError';
  }
}

/** Runs every cleanup (newest first, each at most `perCleanupMs`); the same promise when called again. */
export function shutdown(perCleanupMs = 30_000): Promise<void> {
  stopping ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop()!;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.resolve().then(cleanup).catch((error: unknown) => process.stderr.write(`[shutdown] a cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`)),
        new Promise((resolve) => (timer = setTimeout(resolve, perCleanupMs))),
      ]);
      clearTimeout(timer);
    }
  })();
  return stopping;
}

export interface ShutdownHandlersProps {
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Exit status after a signal. @default 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, 1 when the parent left */
  readonly exitCode?: (reason: NodeJS.Signals | 'parent-exited') => number;
}

const SIGNAL_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, 'parent-exited': 1 };

/** Installs the signal handlers and the parent watch (once per process). */
export function installShutdownHandlers(props: ShutdownHandlersProps): void {
  if (installed) return;
  installed = true;
  const stop = (reason: NodeJS.Signals | 'parent-exited') => {
    if (isShuttingDown()) {
      props.log(`[shutdown] ${reason} again: still stopping, please wait ...`);
      return;
    }
    signalled = true;
    props.log(`\n[shutdown] ${reason}: stopping every container and helper process ...`);
    void shutdown().then(() => {
      props.log('[shutdown] stopped; nothing left running.');
      process.exit(props.exitCode?.(reason) ?? SIGNAL_CODES[reason]);
    });
  };
  // `on`, not `once`: a second Ctrl-C must not kill the process halfway through its cleanup.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  // A shell between npm and node does not pass SIGTERM on; node is then re-parented. Notice it.
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      stop('parent-exited');
    }
  }, 500);
  watch.unref();
}

/** A short-lived helper process (setup script, CLI call) is ended with the harness, not orphaned. */
export function stopOnShutdown(child: { kill(signal: NodeJS.Signals): boolean; once(event: 'exit', listener: () => void): unknown }): void {
  const unregister = onShutdown(() => child.kill('SIGTERM'));
  child.once('exit', unregister);
}
