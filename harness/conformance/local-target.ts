/**
 * The conformance fixture served by our emulator through the same launch path as
 * `npm run emulate` / `verify --dir`: build, inspect, boot, suite, then the invoke endpoint and
 * the Function URL front in front of the verified function.
 */
import * as path from 'node:path';
import { ProgressLog } from '../build/progress';
import { InvokeEndpoint } from '../emulator/invoke-endpoint';
import { BaseChoice } from '../images/runtime-base';
import { adHocFunction } from '../pipeline/ad-hoc-function';
import { runVerify } from '../pipeline/verify-run';
import { ConformanceTarget } from './conformance-runner';

/** The Python function whose event selects each documented behaviour. */
export const CONFORMANCE_FIXTURE_DIR = path.join(__dirname, 'fixture');

/** How the suite deploys the fixture; the cases' expectations use these. */
// 10 s: room for the out-of-memory case on a loaded machine at 0.29 of a vCPU.
export const CONFORMANCE_FIXTURE = { memoryMb: 512, timeoutSeconds: 10, handler: 'handler.lambda_handler' } as const;

export interface LocalConformanceTarget {
  readonly target: ConformanceTarget;
  stop(): Promise<void>;
}

export async function startLocalConformanceTarget(props: { readonly baseChoice: BaseChoice; readonly log: ProgressLog }): Promise<LocalConformanceTarget> {
  const spec = adHocFunction({
    dir: CONFORMANCE_FIXTURE_DIR, handler: CONFORMANCE_FIXTURE.handler, healthPath: '/health',
    memoryMb: CONFORMANCE_FIXTURE.memoryMb, timeoutSeconds: CONFORMANCE_FIXTURE.timeoutSeconds,
  });
  const verify = await runVerify({ specs: [spec], baseChoice: props.baseChoice, log: props.log, keepServing: true, recordManifest: false });
  const served = verify.verified[0]?.served;
  if (!verify.report.passed || !served?.url) {
    await verify.stop();
    throw new Error('The conformance fixture did not pass its own verification (see the log above); nothing to run the cases against.');
  }
  const endpoint = await new InvokeEndpoint({ functions: [served.emulator] }).start();
  return {
    target: {
      engine: 'emulator',
      invokeUrl: endpoint.invocationsUrl(),
      functionUrl: served.url,
      fixture: { functionName: spec.name, ...CONFORMANCE_FIXTURE },
    },
    stop: async () => {
      await endpoint.stop();
      await verify.stop();
    },
  };
}
