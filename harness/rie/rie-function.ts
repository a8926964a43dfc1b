/**
 * One function on AWS's Runtime Interface Emulator, the way the official images run it outside
 * Lambda: `aws-lambda-rie /var/runtime/bootstrap <handler>` inside the function's own container
 * (host networking: RIE's invoke port and its internal Runtime API port are chosen free on
 * 127.0.0.1). It serves the same Invoker interface as our emulator, so the Function URL front,
 * the invoke endpoint and the suite run on it unchanged; what RIE cannot do is listed in
 * RIE_LIMITATIONS and shown in every report rather than papered over.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { randomUUID } from 'node:crypto';
import { demuxedLogs, HarnessContainer } from '../docker/harness-container';
import { inspectImage, removeContainer } from '../docker/engine';
import { ContainerMemory, bytesToReportedMb } from '../emulator/container-memory';
import { InvokeResult, buildReport } from '../emulator/invoke-result';
import { InvokeOptions, Invoker } from '../emulator/lambda-emulator';
import { MAX_PAYLOAD_BYTES } from '../../model/lambda-limits';
import { LaunchSpec, lambdaEnvironment, validateLaunchSpec } from '../emulator/launch-spec';
import { RieFailureLog, RieLoggedFailure, interpretRieAnswer } from './rie-answer';
import { ensureRieBinary } from './rie-binary';
import { LineSplitter } from '../process/output-tail';

/** What RIE does not do that Lambda does; the harness says so in reports instead of hiding it. */
export const RIE_LIMITATIONS: readonly string[] = [
  'concurrency: RIE runs one invoke at a time and fails a second concurrent one; the harness queues invokes on its single container (no extra execution environments)',
  "memory: RIE enforces no memory size; the container's cgroup limit is the function's memory, but an out-of-memory kill is not reported as Runtime.OutOfMemory",
  "errors: RIE sets no X-Amz-Function-Error header: a function error is HTTP 200 with the error JSON, a timeout HTTP 200 with the plain text 'Task timed out after N.00 seconds' (no error type: the harness reports Sandbox.Timedout), a runtime that exited HTTP 502 with an empty body (the harness takes RIE's error type and message from its log)",
  "REPORT: Duration here is the harness's round trip; RIE prints its own START/END/REPORT lines in the function log",
];

const RIE_IN_CONTAINER = '/usr/local/bin/aws-lambda-rie';
const INVOKE_PATH = '/2015-03-31/functions/function/invocations';
/** Longest wait for RIE's log line naming the error of an empty 502 answer. */
const LOG_WAIT_MS = 5_000;
/** Longest wait for RIE's port to accept connections after the container started. */
const LISTEN_WAIT_MS = 15_000;

export interface RieFunctionOptions {
  /** Every line the container prints (RIE's own log lines included). @default none */
  readonly onLog?: (line: string) => void;
}

export class RieFunction implements Invoker {
  static async start(launch: LaunchSpec, options: RieFunctionOptions = {}): Promise<RieFunction> {
    const spec = validateLaunchSpec(launch);
    const rie = await ensureRieBinary('x86_64');
    const [port, runtimeApiPort] = [await freePort(), await freePort()];
    const config = (await inspectImage(spec.image))?.Config;
    // The official images' (and the stand-in's) entrypoint runs the bootstrap; a custom one is the bootstrap.
    const entrypoint = config?.Entrypoint ?? [];
    const bootstrap = entrypoint.length === 0 || entrypoint[0] === '/lambda-entrypoint.sh' ? ['/var/runtime/bootstrap'] : entrypoint;
    const args = spec.command.length > 0 ? [...spec.command] : (config?.Cmd ?? []);
    const runtimeApi = `127.0.0.1:${runtimeApiPort}`;
    const container = new HarnessContainer(spec.image, `rie-${spec.functionName}`)
      .withLabels({ 'sentiment-harness.function': spec.functionName, 'sentiment-harness.engine': 'rie' })
      .withNetworkMode('host')
      .withMemoryLimitMb(spec.memoryMb)
      .withReadOnlyRootFilesystem()
      .withTmpFs({ '/tmp': 'rw,size=512m,mode=1777' })
      .withBindMounts([
        ...(spec.mounts ?? []).map((mount) => ({ source: mount.hostPath, target: mount.containerPath, mode: mount.readOnly ? 'ro' as const : 'rw' as const })),
        { source: rie, target: RIE_IN_CONTAINER, mode: 'ro' },
      ])
      .withEntrypoint([RIE_IN_CONTAINER, '--runtime-interface-emulator-address', `127.0.0.1:${port}`, '--runtime-api-address', runtimeApi, ...bootstrap])
      .withCommand(args)
      // RIE gives the bootstrap AWS_LAMBDA_RUNTIME_API itself; the timeout is RIE's own.
      .withEnvironment({ ...lambdaEnvironment(spec, runtimeApi), AWS_LAMBDA_FUNCTION_TIMEOUT: String(spec.timeoutSeconds) });
    if (spec.user) container.withUser(spec.user);
    const startedAt = performance.now();
    const started = await container.start();
    const fn = new RieFunction(spec, started.getId(), port, startedAt);
    const logLines = fn.logLines(options.onLog);
    await demuxedLogs(started.getId(), { onOutput: (chunk) => logLines.push(chunk), keepOutputBytes: 64 * 1024 });
    return fn;
  }

  readonly functionName: string;
  private queue: Promise<unknown> = Promise.resolve();
  private invokedOnce = false;
  private readonly failureLog = new RieFailureLog();
  private readonly memory: ContainerMemory;

  private constructor(
    private readonly spec: LaunchSpec,
    readonly containerId: string,
    readonly port: number,
    private readonly startedAt: number,
  ) {
    this.functionName = spec.functionName;
    this.memory = new ContainerMemory(containerId);
  }

  /** RIE's own invoke endpoint (port 8080 in the official images), for clients that measure RIE itself. */
  get invocationsUrl(): string {
    return `http://127.0.0.1:${this.port}${INVOKE_PATH}`;
  }

  invokeJson(event: unknown, options?: InvokeOptions): Promise<InvokeResult> {
    return this.invoke(Buffer.from(JSON.stringify(event)), options);
  }

  /** One invoke through RIE's invoke endpoint; invokes queue (RIE runs one at a time). */
  invoke(payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    const run = this.queue.then(() => this.invokeNow(payload, options.requestId ?? randomUUID()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.memory.close();
    await removeContainer(this.containerId).catch(() => undefined);
  }

  private async invokeNow(payload: Buffer, requestId: string): Promise<InvokeResult> {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      // RIE itself would truncate it silently; the caller gets Lambda's limit as our emulator gives it.
      const errorMessage = `Request payload size (${payload.length} bytes) exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`;
      return this.result(requestId, 0, false, { ok: false, errorType: 'RequestEntityTooLarge', errorMessage, payload: Buffer.from(JSON.stringify({ errorType: 'RequestEntityTooLarge', errorMessage })) });
    }
    const coldStart = !this.invokedOnce;
    this.invokedOnce = true;
    this.failureLog.reset();
    const sentAt = performance.now();
    const answer = await this.post(payload, coldStart);
    const durationMs = performance.now() - sentAt;
    const initDurationMs = coldStart ? sentAt - this.startedAt : undefined;
    // RIE's error type and message for an empty non-200 answer are in its log, which may trail the
    // answer (on a loaded machine, by more than the time to print the type alone).
    const explainedByLog = answer.status !== 200 && answer.body.toString('utf8').trim() === '';
    const outcome = interpretRieAnswer(answer.status, answer.body, explainedByLog ? await this.loggedFailure() : this.failureLog.current);
    return this.result(requestId, durationMs, coldStart, outcome.ok ? { ok: true, payload: answer.body } : { ...outcome, payload: answer.body }, initDurationMs);
  }

  /** What RIE logged about the failed invoke, waiting (bounded) until its log names both the type and the message. */
  private async loggedFailure(): Promise<RieLoggedFailure | undefined> {
    const until = performance.now() + LOG_WAIT_MS;
    const complete = () => Boolean(this.failureLog.current?.errorType && this.failureLog.current.errorMessage);
    while (!complete() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.failureLog.current;
  }

  private async result(
    requestId: string, durationMs: number, coldStart: boolean,
    outcome: { ok: true; payload: Buffer } | { ok: false; errorType: string; errorMessage: string; trace?: readonly string[]; phase?: 'init'; payload: Buffer },
    initDurationMs?: number,
  ): Promise<InvokeResult> {
    const peak = await this.memory.peakBytes().catch(() => undefined);
    const report = buildReport({
      requestId, durationMs, memorySizeMb: this.spec.memoryMb, maxMemoryUsedMb: peak === undefined ? 0 : bytesToReportedMb(peak), initDurationMs, coldStart,
    });
    return { requestId, ...outcome, report } as InvokeResult;
  }

  /** POST to RIE; on the first invoke, waits for its port to accept connections. */
  private async post(payload: Buffer, waitForListener: boolean): Promise<{ status: number; body: Buffer }> {
    const deadline = performance.now() + LISTEN_WAIT_MS;
    for (;;) {
      try {
        return await postOnce(this.port, payload);
      } catch (error) {
        const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
        if (!refused || !waitForListener || performance.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  /** RIE's output, line by line: what it says about a failure is read, the rest goes to `onLog`. */
  private logLines(onLog: ((line: string) => void) | undefined): LineSplitter {
    return new LineSplitter(
      (line) => {
        this.failureLog.read(line);
        onLog?.(line.replace(/\r$/, '').replace(/\r/g, '\n'));
      },
      { raw: true },
    );
  }
}

function postOnce(port: number, payload: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: INVOKE_PATH, method: 'POST', headers: { 'Content-Length': payload.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

function freePort(): Promise<number> {
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
