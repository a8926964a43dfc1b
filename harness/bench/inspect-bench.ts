/**
 * Benchmark: static inspection of a dashboard-like ZIP (the dashboard's requirements as real
 * cp313 manylinux x86_64 wheels from PyPI, plus its handler), end to end and split into
 * reading (ZIP + ELF parsing) and judging (the rule pack). Target: about a second.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runRules } from '../inspect/default-pack';
import { buildDashboardLikeZip } from '../inspect/fixtures/lambda-zip-fixture';
import { inspectZip } from '../inspect/inspect';
import { readZipView } from '../inspect/zip-reader';
import { BenchContext, BenchMetric, BenchSection, BenchSectionResult, percentile, round } from './bench-section';

export const INSPECT_TARGET_MS = 1000;

const FUNCTION = { runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler' } as const;

export interface InspectBenchProps {
  /** Timed runs after the first. @default 15 (3 when quick) */
  readonly runs?: number;
}

/** Times inspection of the dashboard-like ZIP; returns rows {name, value, unit, target}. */
export async function measureInspection(context: BenchContext, props: InspectBenchProps = {}): Promise<BenchSectionResult> {
  const runs = props.runs ?? (context.quick ? 3 : 15);
  context.log('[bench:inspect] building the dashboard-like ZIP from PyPI wheels (cached under .work/fixtures)');
  const zipPath = await buildDashboardLikeZip();

  const firstStart = performance.now();
  const first = await inspectZip(zipPath, FUNCTION);
  const firstMs = performance.now() - firstStart;
  if (!first.passed) {
    throw new Error(`the dashboard-like ZIP ${zipPath} should pass inspection and did not: ${first.verdicts.filter((v) => v.level === 'fail').map((v) => v.message).join('; ')}`);
  }

  const total: number[] = [];
  const read: number[] = [];
  const judge: number[] = [];
  let entries = 0;
  let elfFiles = 0;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const view = await readZipView(zipPath);
    const readDone = performance.now();
    runRules(view, FUNCTION);
    const end = performance.now();
    read.push(readDone - start);
    judge.push(end - readDone);
    total.push(end - start);
    entries = view.files.length;
    elfFiles = view.files.filter((file) => file.elf).length;
  }
  context.log(`[bench:inspect] ${runs} runs, p50 ${round(percentile(total, 50))} ms`);

  const target = { op: '<=', value: INSPECT_TARGET_MS } as const;
  const metrics: BenchMetric[] = [
    { name: 'inspect dashboard ZIP, first in process', value: round(firstMs, 1), unit: 'ms', target, note: 'inspectZip: read + ELF parse + all rules, cold code paths' },
    { name: 'inspect dashboard ZIP p50', value: round(percentile(total, 50), 1), unit: 'ms', target, note: `${runs} runs` },
    { name: 'inspect dashboard ZIP p95', value: round(percentile(total, 95), 1), unit: 'ms', target },
    { name: 'read ZIP (entries + ELF) p50', value: round(percentile(read, 50), 1), unit: 'ms' },
    { name: 'judge (rule pack) p50', value: round(percentile(judge, 50), 2), unit: 'ms' },
    { name: 'dashboard ZIP size', value: round(fs.statSync(zipPath).size / 2 ** 20, 1), unit: 'MiB' },
    { name: 'dashboard ZIP entries', value: entries, unit: 'files', note: `${elfFiles} ELF` },
  ];
  return {
    section: 'inspect',
    description: 'static inspection of a dashboard-like ZIP (real cp313 manylinux x86_64 wheels)',
    metrics,
    details: { zipPath, runs, samplesMs: total.map((value) => round(value, 1)) },
  };
}

/** The section `npm run bench` lists. */
export function inspectBench(props: InspectBenchProps = {}): BenchSection {
  return {
    name: 'inspect',
    description: 'static inspection of a dashboard-like ZIP',
    run: (context) => measureInspection(context, props),
  };
}
