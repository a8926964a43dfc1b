/**
 * One benchmark section of `npm run bench`: a name, a run that returns metrics, and optional
 * targets. Add a section by exporting a `BenchSection` and listing it in harness/cli/bench.ts.
 * Benchmarks measure; they are never timed tests (a missed target is reported, not failed).
 */
import { EngineName } from '../pipeline/served-function';

export interface BenchTarget {
  /** `<=` for latencies, `>=` for throughputs. */
  readonly op: '<=' | '>=';
  readonly value: number;
}

export interface BenchMetric {
  /** `warm invoke p50` */
  readonly name: string;
  readonly value: number;
  /** `ms`, `invokes/s`, `MB`... */
  readonly unit: string;
  /** @default no target */
  readonly target?: BenchTarget;
  /** What exactly was measured, in a few words. @default none */
  readonly note?: string;
}

export interface BenchSectionResult {
  readonly section: string;
  readonly description: string;
  readonly metrics: readonly BenchMetric[];
  /** Markdown tables of the section's own (side-by-side comparisons). @default none */
  readonly tables?: readonly string[];
  /** Anything else worth keeping in the JSON (raw samples, the base that ran). @default {} */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface BenchContext {
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
  /** Fewer iterations, for a smoke run of the bench itself. */
  readonly quick: boolean;
  /** Which Lambda engines a section that runs functions measures (`--engine`). @default both */
  readonly engines?: readonly EngineName[];
}

export interface BenchSection {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<BenchSectionResult>;
}

/** Nearest-rank percentile of unsorted samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function meetsTarget(metric: BenchMetric): boolean | undefined {
  if (!metric.target) return undefined;
  return metric.target.op === '<=' ? metric.value <= metric.target.value : metric.value >= metric.target.value;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** One markdown table of every section's metrics, with target and verdict columns. */
export function metricsTable(results: readonly BenchSectionResult[]): string {
  const rows = ['| Section | Metric | Value | Target | Met |', '| --- | --- | ---: | --- | --- |'];
  for (const result of results) {
    for (const metric of result.metrics) {
      const met = meetsTarget(metric);
      rows.push(`| ${result.section} | ${metric.name} | ${metric.value} ${metric.unit} | ${metric.target ? `${metric.target.op} ${metric.target.value} ${metric.unit}` : ''} | ${met === undefined ? '' : met ? 'yes' : '**no**'} |`);
    }
  }
  return rows.join('\n');
}
