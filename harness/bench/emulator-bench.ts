/**
 * Emulator benchmark: a no-op Python function on the runtime base, measured through the invoke
 * endpoint (warm latency, invokes/s from one environment), cold start (environment creation ->
 * first response) and SAM-style per-request containers, side by side in one run.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultBaseChoice, resolveRuntimeBase } from '../images/runtime-base';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { InvokeResult } from '../emulator/invoke-result';
import { InvokeOptions, Invoker, LambdaEmulator } from '../emulator/lambda-emulator';
import { LaunchSpec } from '../emulator/launch-spec';
import { BenchContext, BenchSection, BenchSectionResult, percentile, round } from './bench-section';

const NOOP_HANDLER = 'def handler(event, context):\n    return {}\n';

export interface EmulatorBenchProps {
  /** Sequential warm invokes measured (after warm-up). @default 2000 (200 with --quick) */
  readonly warmInvokes?: number;
  /** Cold starts measured. @default 7 (3 with --quick) */
  readonly coldStarts?: number;
  /** Per-request-container invokes measured. @default 7 (3 with --quick) */
  readonly perRequestInvokes?: number;
}

/** POSTs through one keep-alive connection, as a client that invokes repeatedly would. */
class KeepAliveClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  constructor(private readonly url: string) {}

  post(body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(this.url, { method: 'POST', agent: this.agent, headers: { 'content-length': Buffer.byteLength(body) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Times one invoke in ms; a non-200 or a function error stops the bench (it would measure nonsense). */
  async timed(body = '{}'): Promise<number> {
    const started = performance.now();
    const answer = await this.post(body);
    const elapsed = performance.now() - started;
    if (answer.status !== 200 || answer.body !== '{}') throw new Error(`The no-op invoke answered ${answer.status} ${answer.body.slice(0, 300)}; expected 200 {}.`);
    return elapsed;
  }

  close(): void {
    this.agent.destroy();
  }
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

export function emulatorBench(props: EmulatorBenchProps = {}): BenchSection {
  return {
    name: 'emulator',
    description: 'No-op python3.13 function through the invoke endpoint: warm, cold, per-request containers',
    async run(context: BenchContext): Promise<BenchSectionResult> {
      const warmInvokes = props.warmInvokes ?? (context.quick ? 200 : 2000);
      const coldStarts = props.coldStarts ?? (context.quick ? 3 : 7);
      const perRequestInvokes = props.perRequestInvokes ?? (context.quick ? 3 : 7);

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
        // Warm: one environment, sequential invokes over a keep-alive connection.
        let warm: number[] = [];
        let overhead: number[] = [];
        let throughput = 0;
        let initDurations: number[] = [];
        await serve(launch, false, async (client, recorder) => {
          context.log(`[bench] warm: ${warmInvokes} sequential invokes on one environment ...`);
          for (let index = 0; index < 200; index++) await client.timed(); // warm-up (JIT, caches, connection)
          warm = [];
          overhead = [];
          for (let index = 0; index < warmInvokes; index++) {
            const total = await client.timed();
            warm.push(total);
            // What the emulator and HTTP add around the runtime's own handling of the invoke.
            overhead.push(total - recorder.lastRuntimeMs);
          }
          // Throughput: 4 clients keep the single environment busy, so no client gap is counted.
          context.log('[bench] throughput: 4 clients, one environment, 3 s ...');
          let done = 0;
          const until = performance.now() + (context.quick ? 1000 : 3000);
          const started = performance.now();
          await Promise.all(Array.from({ length: 4 }, async () => {
            while (performance.now() < until) {
              await client.timed();
              done++;
            }
          }));
          throughput = done / ((performance.now() - started) / 1000);
        });

        // Cold: a new emulator each time; environment creation -> first response.
        context.log(`[bench] cold: ${coldStarts} new environments ...`);
        const cold: number[] = [];
        initDurations = [];
        for (let index = 0; index < coldStarts; index++) {
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
        context.log(`[bench] per-request: ${perRequestInvokes} invokes, a container each ...`);
        let perRequest: number[] = [];
        await serve(launch, true, async (client) => {
          perRequest = [];
          for (let index = 0; index < perRequestInvokes; index++) perRequest.push(await client.timed());
        });

        const warmP50 = round(percentile(warm, 50), 3);
        const warmP99 = round(percentile(warm, 99), 3);
        const coldP50 = round(percentile(cold, 50), 1);
        const perRequestP50 = round(percentile(perRequest, 50), 1);
        const sideBySide = [
          '| Mode | p50 | p99 | invokes/s (one environment) |',
          '| --- | ---: | ---: | ---: |',
          `| warm environment | ${warmP50} ms (overhead ${round(percentile(overhead, 50), 3)} ms) | ${warmP99} ms | ${Math.round(throughput)} |`,
          `| cold start (new environment) | ${coldP50} ms | ${round(percentile(cold, 99), 1)} ms | - |`,
          `| per-request container (SAM default) | ${perRequestP50} ms | ${round(percentile(perRequest, 99), 1)} ms | ${round(1000 / percentile(perRequest, 50), 1)} |`,
        ].join('\n');
        return {
          section: 'emulator',
          description: `${this.description}; base: ${base.description}`,
          metrics: [
            { name: 'warm overhead p50 (round trip minus REPORT Duration)', value: round(percentile(overhead, 50), 3), unit: 'ms', target: { op: '<=', value: 2 }, note: 'client -> invoke endpoint -> emulator -> Runtime API and back, without the runtime\'s own time' },
            { name: 'warm invoke p50 (total, no-op)', value: warmP50, unit: 'ms', note: 'client -> invoke endpoint -> Runtime API -> awslambdaric -> back' },
            { name: 'warm invoke p99 (total, no-op)', value: warmP99, unit: 'ms' },
            { name: 'invokes per second, one environment', value: Math.round(throughput), unit: 'invokes/s', target: { op: '>=', value: 300 } },
            { name: 'cold start p50 (environment creation -> first response)', value: coldP50, unit: 'ms', target: { op: '<=', value: 600 } },
            { name: 'Init Duration p50 (container start -> first /next)', value: round(percentile(initDurations, 50), 1), unit: 'ms' },
            { name: 'per-request container invoke p50', value: perRequestP50, unit: 'ms' },
          ],
          tables: [sideBySide],
          details: {
            base: base.description, image: base.image, cpus: os.cpus().length,
            samples: { warmCount: warm.length, coldMs: cold.map((v) => round(v, 1)), perRequestMs: perRequest.map((v) => round(v, 1)), initMs: initDurations.map((v) => round(v, 1)) },
          },
        };
      } finally {
        fs.rmSync(taskDir, { recursive: true, force: true });
      }
    },
  };
}
