/**
 * AWS's Runtime Interface Emulator measured beside ours in the same bench run: the same no-op
 * function, base image and client, sent to RIE's own invoke endpoint (what `sam local` and the
 * official images' users call). RIE serves one invoke at a time (a second concurrent invoke
 * makes it fail), so its invokes per second come from one sequential client.
 */
import { LaunchSpec } from '../emulator/launch-spec';
import { RieFunction } from '../rie/rie-function';
import { KeepAliveClient } from './keep-alive-client';

export interface RieBenchCounts {
  readonly warmUp: number;
  readonly warmInvokes: number;
  readonly coldStarts: number;
  readonly throughputMs: number;
}

export interface RieBenchSamples {
  /** Sequential warm invokes on one RIE container, ms. */
  readonly warm: number[];
  /** Sequential invokes per second on one RIE container. */
  readonly invokesPerSecond: number;
  /** Container creation -> first response, ms. */
  readonly cold: number[];
}

export async function measureRie(launch: LaunchSpec, counts: RieBenchCounts, log: (line: string) => void): Promise<RieBenchSamples> {
  log(`[bench] rie: ${counts.warmInvokes} sequential invokes on one RIE container ...`);
  const warm: number[] = [];
  let invokesPerSecond = 0;
  const rie = await RieFunction.start(launch);
  const client = new KeepAliveClient(rie.invocationsUrl);
  try {
    await requireOk(rie); // waits for RIE's port; the init happens here
    for (let index = 0; index < counts.warmUp; index++) await client.timed();
    for (let index = 0; index < counts.warmInvokes; index++) warm.push(await client.timed());
    log(`[bench] rie: throughput, one sequential client (RIE serves one invoke at a time), ${counts.throughputMs / 1000} s ...`);
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < counts.throughputMs) {
      await client.timed();
      done++;
    }
    invokesPerSecond = done / ((performance.now() - started) / 1000);
  } finally {
    client.close();
    await rie.stop();
  }

  log(`[bench] rie: cold: ${counts.coldStarts} new RIE containers ...`);
  const cold: number[] = [];
  for (let index = 0; index < counts.coldStarts; index++) {
    const started = performance.now();
    const fresh = await RieFunction.start(launch);
    try {
      await requireOk(fresh);
      cold.push(performance.now() - started);
    } finally {
      await fresh.stop();
    }
  }
  return { warm, invokesPerSecond, cold };
}

async function requireOk(rie: RieFunction): Promise<void> {
  const result = await rie.invoke(Buffer.from('{}'));
  if (!result.ok) throw new Error(`The no-op invoke failed under RIE: ${result.errorType}: ${result.errorMessage}`);
}
