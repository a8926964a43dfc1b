/**
 * Emulator benchmark: a no-op Python function on the runtime base, measured through the invoke
 * endpoint (warm latency, invokes/s from one environment), cold start (environment creation ->
 * first response) and SAM-style per-request containers, and AWS's RIE (warm and cold, the same
 * function, base and client: harness/bench/rie-bench.ts) side by side in one run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultBaseChoice, resolveRuntimeBase } from '../images/runtime-base';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { InvokeResult } from '../emulator/invoke-result';
import { InvokeOptions, Invoker, LambdaEmulator } from '../emulator/lambda-emulator';
import { LaunchSpec } from '../emulator/launch-spec';
import { ENGINE_NAMES } from '../pipeline/served-function';
import { BenchContext, BenchMetric, BenchSection, BenchSectionResult, percentile, round } from './bench-section';
import { KeepAliveClient } from './keep-alive-client';
import { measureRie, RieBenchSamples } from './rie-bench';

const NOOP_HANDLER = 'def handler(event, context):\n    return {}\n';

export interface EmulatorBenchProps {
  /** Sequential warm invokes measured (after warm-up). @default 2000 (200 with --quick) */
  readonly warmInvokes?: number;
  /** Cold starts measured. @default 7 (3 with --quick) */
  readonly coldStarts?: number;
  /** Per-request-container invokes measured. @default 7 (3 with --quick) */
  readonly perRequestInvokes?: number;
}

/** Remembers the runtime's own time (REPORT Duration) of the last invoke, to subtract it. */
class RecordingInvoker implements Invoker {
  lastRuntimeMs = 0;
  constructor(private readonly emulator: LambdaEmulator) {}
  get functionName(): string {
    return this.emulator.functionName;
  }
  async invoke(payload: Buffer, options?: InvokeOptions): Promise<InvokeResult> {
    const result = await this.emulator.invoke(payload, options);
    this.lastRuntimeMs = result.report.durationMs;
    return result;
  }
}

async function serve(launch: LaunchSpec, perRequest: boolean, run: (client: KeepAliveClient, recorder: RecordingInvoker) => Promise<void>): Promise<void> {
  const emulator = new LambdaEmulator({ launch, maxEnvironments: 1, perRequest });
  const recorder = new RecordingInvoker(emulator);
  const endpoint = await new InvokeEndpoint({ functions: [recorder] }).start();
  const client = new KeepAliveClient(endpoint.invocationsUrl());
  try {
    await run(client, recorder);
  } finally {
    client.close();
    await endpoint.stop();
    await emulator.stop();
  }
}

/** Our emulator's samples, all in ms except the throughput. */
interface EmulatorSamples {
  readonly warm: number[];
  readonly overhead: number[];
  readonly invokesPerSecond: number;
  readonly cold: number[];
  readonly initDurations: number[];
  readonly perRequest: number[];
}

interface Counts {
  readonly warmInvokes: number;
  readonly coldStarts: number;
  readonly perRequestInvokes: number;
  readonly throughputMs: number;
}

/** Warm-up invokes before the warm samples (JIT, caches, the connection). */
const WARM_UP = 200;

async function measureEmulator(launch: LaunchSpec, counts: Counts, log: (line: string) => void): Promise<EmulatorSamples> {
  // Warm: one environment, sequential invokes over a keep-alive connection.
  const warm: number[] = [];
  const overhead: number[] = [];
  let invokesPerSecond = 0;
  await serve(launch, false, async (client, recorder) => {
    log(`[bench] emulator: warm: ${counts.warmInvokes} sequential invokes on one environment ...`);
    for (let index = 0; index < WARM_UP; index++) await client.timed();
    for (let index = 0; index < counts.warmInvokes; index++) {
      const total = await client.timed();
      warm.push(total);
      // What the emulator and HTTP add around the runtime's own handling of the invoke.
      overhead.push(total - recorder.lastRuntimeMs);
    }
    // Throughput: 4 clients keep the single environment busy, so no client gap is counted.
    log(`[bench] emulator: throughput: 4 clients, one environment, ${counts.throughputMs / 1000} s ...`);
    let done = 0;
    const until = performance.now() + counts.throughputMs;
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (performance.now() < until) {
        await client.timed();
        done++;
      }
    }));
    invokesPerSecond = done / ((performance.now() - started) / 1000);
  });

  // Cold: a new emulator each time; environment creation -> first response.
  log(`[bench] emulator: cold: ${counts.coldStarts} new environments ...`);
  const cold: number[] = [];
  const initDurations: number[] = [];
  for (let index = 0; index < counts.coldStarts; index++) {
    const emulator = new LambdaEmulator({ launch, maxEnvironments: 1 });
    try {
      const started = performance.now();
      const result = await emulator.invoke('{}');
      cold.push(performance.now() - started);
      if (!result.ok) throw new Error(`cold invoke failed: ${result.errorType} ${result.errorMessage}`);
      if (result.report.initDurationMs !== undefined) initDurations.push(result.report.initDurationMs);
    } finally {
      await emulator.stop();
    }
  }

  // Per-request containers (SAM's default): every invoke boots and removes an environment.
  log(`[bench] emulator: per-request: ${counts.perRequestInvokes} invokes, a container each ...`);
  const perRequest: number[] = [];
  await serve(launch, true, async (client) => {
    for (let index = 0; index < counts.perRequestInvokes; index++) perRequest.push(await client.timed());
  });
  return { warm, overhead, invokesPerSecond, cold, initDurations, perRequest };
}

const ms = (samples: readonly number[], p: number, digits: number) => round(percentile(samples, p), digits);

/** The side-by-side table the README holds, exactly as printed: one row per engine and mode. */
export function sideBySideTable(ours: EmulatorSamples | undefined, rie: RieBenchSamples | undefined): string {
  const rows = [
    '| Engine | Mode | p50 | p99 | invokes/s (one environment) |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  if (ours) {
    rows.push(
      `| our emulator | warm environment | ${ms(ours.warm, 50, 3)} ms (overhead ${ms(ours.overhead, 50, 3)} ms) | ${ms(ours.warm, 99, 3)} ms | ${Math.round(ours.invokesPerSecond)} (4 clients) |`,
      `| our emulator | cold start (new environment) | ${ms(ours.cold, 50, 1)} ms | ${ms(ours.cold, 99, 1)} ms | - |`,
      `| our emulator | per-request container (SAM default) | ${ms(ours.perRequest, 50, 1)} ms | ${ms(ours.perRequest, 99, 1)} ms | ${round(1000 / percentile(ours.perRequest, 50), 1)} |`,
    );
  }
  if (rie) {
    rows.push(
      `| AWS's RIE | warm container (one invoke at a time) | ${ms(rie.warm, 50, 3)} ms | ${ms(rie.warm, 99, 3)} ms | ${Math.round(rie.invokesPerSecond)} (sequential) |`,
      `| AWS's RIE | cold start (new container) | ${ms(rie.cold, 50, 1)} ms | ${ms(rie.cold, 99, 1)} ms | - |`,
    );
  }
  return rows.join('\n');
}

function emulatorMetrics(ours: EmulatorSamples): BenchMetric[] {
  return [
    { name: 'warm overhead p50 (round trip minus REPORT Duration)', value: ms(ours.overhead, 50, 3), unit: 'ms', target: { op: '<=', value: 2 }, note: 'client -> invoke endpoint -> emulator -> Runtime API and back, without the runtime\'s own time' },
    { name: 'warm invoke p50 (total, no-op)', value: ms(ours.warm, 50, 3), unit: 'ms', note: 'client -> invoke endpoint -> Runtime API -> awslambdaric -> back' },
    { name: 'warm invoke p99 (total, no-op)', value: ms(ours.warm, 99, 3), unit: 'ms' },
    { name: 'invokes per second, one environment', value: Math.round(ours.invokesPerSecond), unit: 'invokes/s', target: { op: '>=', value: 300 } },
    { name: 'cold start p50 (environment creation -> first response)', value: ms(ours.cold, 50, 1), unit: 'ms', target: { op: '<=', value: 600 } },
    { name: 'Init Duration p50 (container start -> first /next)', value: ms(ours.initDurations, 50, 1), unit: 'ms' },
    { name: 'per-request container invoke p50', value: ms(ours.perRequest, 50, 1), unit: 'ms' },
  ];
}

function rieMetrics(rie: RieBenchSamples): BenchMetric[] {
  return [
    { name: 'RIE warm invoke p50 (total, no-op)', value: ms(rie.warm, 50, 3), unit: 'ms', note: "client -> RIE's invoke endpoint -> its Runtime API -> awslambdaric -> back" },
    { name: 'RIE warm invoke p99 (total, no-op)', value: ms(rie.warm, 99, 3), unit: 'ms' },
    { name: 'RIE invokes per second, one container, sequential', value: Math.round(rie.invokesPerSecond), unit: 'invokes/s', note: 'RIE serves one invoke at a time' },
    { name: 'RIE cold start p50 (container creation -> first response)', value: ms(rie.cold, 50, 1), unit: 'ms' },
  ];
}

export function emulatorBench(props: EmulatorBenchProps = {}): BenchSection {
  return {
    name: 'emulator',
    description: "No-op python3.13 function through the invoke endpoint: warm, cold, per-request containers; AWS's RIE beside it",
    async run(context: BenchContext): Promise<BenchSectionResult> {
      const engines = context.engines ?? ENGINE_NAMES;
      const counts: Counts = {
        warmInvokes: props.warmInvokes ?? (context.quick ? 200 : 2000),
        coldStarts: props.coldStarts ?? (context.quick ? 3 : 7),
        perRequestInvokes: props.perRequestInvokes ?? (context.quick ? 3 : 7),
        throughputMs: context.quick ? 1000 : 3000,
      };

      context.log('[bench] resolving the runtime base ...');
      const base = await resolveRuntimeBase('python3.13', 'x86_64', defaultBaseChoice(), context.log);
      const taskDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-noop-'));
      fs.writeFileSync(path.join(taskDir, 'noop.py'), NOOP_HANDLER, { mode: 0o644 });
      fs.chmodSync(taskDir, 0o755);
      const launch: LaunchSpec = {
        // 3,538 MB = 2 vCPUs (CPU follows memory, 1,769 MB per vCPU): the figures measure the
        // emulator, not a function throttled to a fraction of a core.
        image: base.image, command: ['noop.handler'], functionName: 'bench-noop', memoryMb: 3538, timeoutSeconds: 10,
        mounts: [{ hostPath: taskDir, containerPath: '/var/task', readOnly: true }],
      };

      try {
        const ours = engines.includes('emulator') ? await measureEmulator(launch, counts, context.log) : undefined;
        const rie = engines.includes('rie')
          ? await measureRie(launch, { warmUp: WARM_UP, warmInvokes: counts.warmInvokes, coldStarts: counts.coldStarts, throughputMs: counts.throughputMs }, context.log)
          : undefined;
        return {
          section: 'emulator',
          description: `${this.description}; engines: ${engines.join(', ')}; base: ${base.description}`,
          metrics: [...(ours ? emulatorMetrics(ours) : []), ...(rie ? rieMetrics(rie) : [])],
          tables: [sideBySideTable(ours, rie)],
          details: {
            base: base.description, image: base.image, cpus: os.cpus().length, engines,
            samples: {
              ...(ours ? { warmCount: ours.warm.length, coldMs: ours.cold.map((v) => round(v, 1)), perRequestMs: ours.perRequest.map((v) => round(v, 1)), initMs: ours.initDurations.map((v) => round(v, 1)) } : {}),
              ...(rie ? { rieWarmCount: rie.warm.length, rieColdMs: rie.cold.map((v) => round(v, 1)) } : {}),
            },
          },
        };
      } finally {
        fs.rmSync(taskDir, { recursive: true, force: true });
      }
    },
  };
}
