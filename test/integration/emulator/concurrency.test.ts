/**
 * One invoke at a time per environment, more environments for concurrent invokes up to the
 * maximum (the rest queue), and SAM-style per-request environments. Real containers.
 */
import { emulatorSuite, json } from './emulator-fixtures';

jest.setTimeout(15 * 60_000);

const ECHO = [
  'import os, time',
  'def handler(event, context):',
  '    time.sleep(event.get("sleep", 0))',
  '    return {"echo": event, "requestId": context.aws_request_id, "env": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]}',
].join('\n');

describe('concurrency on the runtime base', () => {
  const suite = emulatorSuite({ 'echo.py': ECHO });

  test('20 concurrent invokes with at most 10 environments: all answered with their own payload', async () => {
    const { emulator } = suite.start('echo.handler', {}, { maxEnvironments: 10 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => emulator.invokeJson({ index, token: `t-${index}`, sleep: 0.5 })),
    );
    const environmentsUsed = new Set<string>();
    results.forEach((result, index) => {
      expect(result.ok).toBe(true);
      const answer = json(result.payload) as { echo: { index: number; token: string }; requestId: string; env: string };
      expect(answer.echo).toEqual({ index, token: `t-${index}`, sleep: 0.5 });
      expect(answer.requestId).toBe(result.requestId);
      environmentsUsed.add(answer.env);
    });
    expect(new Set(results.map((result) => result.requestId)).size).toBe(20);
    expect(emulator.environmentsCreated).toBeLessThanOrEqual(10);
    expect(environmentsUsed.size).toBeGreaterThan(1);
    expect(environmentsUsed.size).toBeLessThanOrEqual(10);
    // Every environment ran at least two of the 20 (10 slots), so some invokes were warm.
    expect(results.filter((result) => !result.report.coldStart).length).toBeGreaterThanOrEqual(10);
  });

  test('sequential invokes reuse one warm environment', async () => {
    const { emulator } = suite.start('echo.handler');
    const envs = new Set<string>();
    for (let index = 0; index < 5; index++) {
      const result = await emulator.invokeJson({ index });
      envs.add((json(result.payload) as { env: string }).env);
    }
    expect(envs.size).toBe(1);
    expect(emulator.environmentsCreated).toBe(1);
  });

  test('per-request mode: a fresh environment for every invoke, removed afterwards', async () => {
    const { emulator } = suite.start('echo.handler', {}, { perRequest: true });
    const results = [];
    for (let index = 0; index < 3; index++) results.push(await emulator.invokeJson({ index }));
    expect(results.every((result) => result.ok && result.report.coldStart)).toBe(true);
    expect(new Set(results.map((result) => (json(result.payload) as { env: string }).env)).size).toBe(3);
    expect(emulator.environmentsCreated).toBe(3);
    expect(emulator.environmentCount).toBe(0);
  });
});
