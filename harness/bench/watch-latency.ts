/**
 * `emulate --watch` edit-to-served latency: a one-line handler edit of a small ZIP function is
 * saved, and the clock runs until the invoke endpoint answers with the new code. In between: the
 * debounce, the rebuild, static inspection, the boot check and the import smoke on the new
 * version (the whole verify pipeline), and the swap. The issue's target: <= 5 s on 2 cores.
 * By default the function has no dependencies, so this measures the watch pipeline itself;
 * `requirements` measures a function with dependencies (what the dependency-set reuse saves).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProgressLog, silentLog } from '../build/progress';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { BaseChoice, defaultBaseChoice, resolveRuntimeBase } from '../images/runtime-base';
import { adHocFunction } from '../pipeline/ad-hoc-function';
import { verifyFunction } from '../pipeline/verify-function';
import { FunctionWatch, reverifyFor } from '../pipeline/watch-function';
import { SwitchableInvoker } from '../pipeline/watch-swap';
import { BenchMetric, percentile, round } from './bench-section';

export interface WatchLatencyOptions {
  /** Progress lines. @default discarded */
  readonly log?: ProgressLog;
  /** Edits measured (each one rebuild and swap). @default 3 */
  readonly edits?: number;
  /** @default auto (or $LAMBDA_BASE) */
  readonly baseChoice?: BaseChoice;
  /** Longest wait for one edit to be served before the measurement fails. @default 5 minutes */
  readonly editTimeoutMs?: number;
  /**
   * The function's requirements.txt, to measure an edit of a function with dependencies (without
   * the dependency-set reuse, each edit reinstalls them). @default none: a dependency-free function
   */
  readonly requirements?: string;
}

const handlerSource = (marker: string) => `MARKER = ${JSON.stringify(marker)}\n\ndef lambda_handler(event, context):\n    return {"marker": MARKER}\n`;

/** The median edit-saved -> new-version-answering time over `edits` edits, as a bench metric. */
export async function measureWatchEditToServed(options: WatchLatencyOptions = {}): Promise<BenchMetric> {
  const log = options.log ?? silentLog;
  const edits = options.edits ?? 3;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-latency-'));
  fs.chmodSync(dir, 0o755);
  const handlerPath = path.join(dir, 'handler.py');
  fs.writeFileSync(handlerPath, handlerSource('edit-0'));
  if (options.requirements !== undefined) fs.writeFileSync(path.join(dir, 'requirements.txt'), options.requirements);
  const spec = adHocFunction({ dir, memoryMb: 256 });
  const stops: (() => Promise<unknown>)[] = [async () => fs.rmSync(dir, { recursive: true, force: true })];
  try {
    const base = await resolveRuntimeBase(spec.runtime, spec.architecture, options.baseChoice ?? defaultBaseChoice(), log);
    log('[bench] watch: first verification of the function');
    const first = await verifyFunction({ spec, base, log: silentLog, keepServing: true });
    if (!first.report.passed || !first.served) throw new Error(`The watch-latency function did not verify: ${JSON.stringify(first.report.checks.filter((c) => !c.passed))}`);
    const invoker = new SwitchableInvoker(first.served);
    stops.push(() => invoker.stop());
    const endpoint = await new InvokeEndpoint({ functions: [invoker] }).start();
    stops.push(() => endpoint.stop());
    const watch = new FunctionWatch({ invoker, reverify: reverifyFor(invoker, { log: silentLog }), log: (line) => log(`[bench] watch: ${line}`) }).start();
    stops.push(() => watch.close());

    const samples: number[] = [];
    for (let edit = 1; edit <= edits; edit++) {
      const marker = `edit-${edit}`;
      fs.writeFileSync(handlerPath, handlerSource(marker));
      const saved = performance.now();
      await answersWith(endpoint.invocationsUrl(), marker, options.editTimeoutMs ?? 5 * 60_000);
      samples.push(performance.now() - saved);
      log(`[bench] watch: edit ${edit} served after ${round(samples[samples.length - 1] / 1000, 2)} s`);
    }
    return {
      name: `--watch: edit saved -> new version answering (ZIP${options.requirements ? ' with dependencies' : ''}, p50)`,
      value: round(percentile(samples, 50) / 1000, 2),
      unit: 's',
      target: { op: '<=', value: 5 },
      note: `${edits} one-line handler edits of a ZIP function ${options.requirements ? `with requirements ${JSON.stringify(options.requirements.trim())}` : 'without dependencies'}, each rebuilt, inspected, booted, checked and swapped in; samples ${samples.map((s) => round(s / 1000, 2)).join(', ')} s`,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** Invokes until the answer carries `marker` (the old version answers meanwhile). */
async function answersWith(url: string, marker: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await (await fetch(url, { method: 'POST', body: '{}' })).text();
    if (answer.includes(`"${marker}"`)) return;
    if (Date.now() > deadline) throw new Error(`The edit '${marker}' was not served within ${timeoutMs} ms; last answer: ${answer.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
