/**
 * Progress lines for long steps ("[images] debootstrap trixie ... 48 s"). Builders take a
 * `ProgressLog` so the CLI can print and tests can collect or silence them.
 */
export type ProgressLog = (line: string) => void;

/** Discards every line. */
export const silentLog: ProgressLog = () => undefined;

/** Prints to stderr, so stdout stays free for machine-readable output. */
export const stderrLog: ProgressLog = (line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * Runs `step`, logging `<prefix> <label> ...` before and `<prefix> <label> ... <n> s` after,
 * or `... failed after <n> s` when it throws.
 */
export async function timedStep<T>(log: ProgressLog, prefix: string, label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  log(`${prefix} ${label} ...`);
  try {
    const result = await step();
    log(`${prefix} ${label} ... ${formatSeconds(Date.now() - started)}`);
    return result;
  } catch (error) {
    log(`${prefix} ${label} ... failed after ${formatSeconds(Date.now() - started)}`);
    throw error;
  }
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * Turns a stream of output chunks into whole lines with a prefix, for docker build/pip output.
 * Call the returned function with `undefined` to flush the last partial line.
 */
export function lineSplitter(log: ProgressLog, prefix: string): (chunk: string | undefined) => void {
  let pending = '';
  return (chunk) => {
    if (chunk === undefined) {
      if (pending.trim()) log(`${prefix} ${pending.trimEnd()}`);
      pending = '';
      return;
    }
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim()) log(`${prefix} ${line.trimEnd()}`);
    }
  };
}

/** The last `count` meaningful lines of docker output, without the legacy builder's deprecation banner. */
export function dockerOutputTail(text: string, count: number): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() && !/DEPRECATED: The legacy builder|BuildKit is currently disabled|environment-variable\.\s*$/.test(line))
    .slice(-count)
    .map((line) => line.trimEnd());
}
