/**
 * Shared set-up for the emulator's integration tests: the runtime base (the stand-in unless
 * LAMBDA_BASE asks otherwise), handler fixtures written to a temp dir that is mounted at
 * /var/task, and emulators that collect their log lines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { BaseChoice, resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { LambdaEmulator, LambdaEmulatorProps } from '../../../harness/emulator/lambda-emulator';
import { LaunchSpec } from '../../../harness/emulator/launch-spec';

/** Tests drive real containers; without an engine they fail here, loudly (never skip). */
export async function runtimeImage(): Promise<string> {
  await ensureDockerEngine();
  const choice = (process.env.LAMBDA_BASE as BaseChoice | undefined) || 'standin';
  const base = await resolveRuntimeBase('python3.13', 'x86_64', choice);
  return base.image;
}

/** Writes handler modules into a fresh directory the container's sandbox user can read. */
export function writeTaskDir(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-task-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o644 });
  fs.chmodSync(dir, 0o755); // mkdtemp makes 0700; the runtime runs as a non-root user
  return dir;
}

export interface TestEmulator {
  readonly emulator: LambdaEmulator;
  readonly logs: string[];
}

export function launchSpec(image: string, taskDir: string, handler: string, overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    image,
    command: [handler],
    mounts: [{ hostPath: taskDir, containerPath: '/var/task', readOnly: true }],
    env: {},
    memoryMb: 256,
    timeoutSeconds: 3,
    functionName: 'emulator-test',
    ...overrides,
  };
}

export function testEmulator(launch: LaunchSpec, props: Partial<LambdaEmulatorProps> = {}): TestEmulator {
  const logs: string[] = [];
  const emulator = new LambdaEmulator({ launch, onLog: (line) => logs.push(line), ...props });
  return { emulator, logs };
}

export interface EmulatorSuite {
  /** An emulator serving `handler` from the suite's task dir, stopped after the suite. */
  start(handler: string, overrides?: Partial<LaunchSpec>, props?: Partial<LambdaEmulatorProps>): TestEmulator;
}

/**
 * Call inside a describe block: finds the runtime image and writes the handlers before its
 * tests, stops every emulator it started (and removes the task dir) after them. `defaults`
 * apply to every launch spec, before each start's own overrides.
 */
export function emulatorSuite(handlers: Readonly<Record<string, string>>, defaults: Partial<LaunchSpec> = {}): EmulatorSuite {
  let image = '';
  let taskDir = '';
  const emulators: LambdaEmulator[] = [];
  beforeAll(async () => {
    image = await runtimeImage();
    taskDir = writeTaskDir(handlers);
  });
  afterAll(async () => {
    await Promise.all(emulators.map((emulator) => emulator.stop()));
    if (taskDir) fs.rmSync(taskDir, { recursive: true, force: true });
  });
  return {
    start(handler, overrides = {}, props = {}) {
      const created = testEmulator(launchSpec(image, taskDir, handler, { ...defaults, ...overrides }), props);
      emulators.push(created.emulator);
      return created;
    },
  };
}

export function json(payload: Buffer): unknown {
  return JSON.parse(payload.toString('utf8'));
}
