/**
 * Progress lines for long steps ("[images] debootstrap trixie ... 48 s"). Builders take a
 * `ProgressLog` so the CLI can print and tests can collect or silence them.
 */
import { LineSplitter } from '../process/output-tail';

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
  const splitter = new LineSplitter((line) => log(`${prefix} ${line}`));
  return (chunk) => (chunk === undefined ? splitter.end() : splitter.push(chunk));
}

const LEGACY_BUILDER_BANNER = /DEPRECATED: The legacy builder|BuildKit is currently disabled|environment-variable\.\s*$/;

/** Docker output without the legacy builder's deprecation banner, which would fill an error's quoted tail. */
export function withoutBuilderBanner(text: string): string {
  return text
    .split('\n')
    .filter((line) => !LEGACY_BUILDER_BANNER.test(line))
    .join('\n');
}
