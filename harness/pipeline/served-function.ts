/**
 * One artifact booted as deployed: execution environments polling our Runtime API emulator,
 * plus its Function URL front when the catalog declares one. Exposed to the suite as a
 * FunctionTarget, so local checks and preprod smoke checks are the same code.
 */
import { EnvironmentName } from '../../lambdas/resources';
import { FunctionSpec } from '../../lambdas/function-spec';
import { Artifact } from '../build/artifact';
import { FunctionUrlAccess } from '../emulator/function-url-authorization';
import { FunctionUrlFailure, FunctionUrlFront } from '../emulator/function-url-front';
import { LambdaEmulator } from '../emulator/lambda-emulator';
import { launchSpecFromArtifact } from '../emulator/launch-from-artifact';
import { FunctionTarget } from '../suite/function-target';
import { httpRequest } from '../suite/http-request';

export interface ServeFunctionProps {
  readonly spec: FunctionSpec;
  readonly artifact: Artifact;
  /** The function's resolved environment (catalog values + local AWS endpoint). */
  readonly environment: Readonly<Record<string, string>>;
  /** Which CORS of the catalog applies. @default 'local' */
  readonly environmentName?: EnvironmentName;
  /** Port of the Function URL front. @default ephemeral */
  readonly urlPort?: number;
  /** The deployed URL's verdict for anonymous callers (synthesized stack). @default allowed */
  readonly urlAccess?: FunctionUrlAccess;
  /** @default 10 */
  readonly maxEnvironments?: number;
  /** Every log line of the function (its output, START/END/REPORT). @default discarded */
  readonly onLog?: (line: string) => void;
}

export interface ServedFunction {
  readonly spec: FunctionSpec;
  readonly artifact: Artifact;
  readonly emulator: LambdaEmulator;
  /** `http://127.0.0.1:<port>/` of the Function URL front, when the function has a URL. */
  readonly url?: string;
  readonly target: FunctionTarget;
  stop(): Promise<void>;
}

export async function serveFunction(props: ServeFunctionProps): Promise<ServedFunction> {
  const { spec, artifact } = props;
  const emulator = new LambdaEmulator({
    launch: launchSpecFromArtifact({
      artifact, handler: spec.handler, memoryMb: spec.memoryMb, ephemeralStorageMb: spec.ephemeralStorageMb, timeoutSeconds: spec.timeoutSeconds, env: props.environment, functionName: spec.name,
    }),
    maxEnvironments: props.maxEnvironments,
    onLog: props.onLog,
  });
  let latestFailure: FunctionUrlFailure | undefined;
  let front: FunctionUrlFront | undefined;
  if (spec.url) {
    front = await new FunctionUrlFront({
      invoker: emulator,
      cors: spec.url.cors[props.environmentName ?? 'local'],
      port: props.urlPort,
      access: props.urlAccess,
      onFunctionError: (failure) => { latestFailure = failure; },
    }).start();
  }
  const target: FunctionTarget = {
    description: `local environments on ${artifact.base.description}`,
    invoke: async (event) => {
      const result = await emulator.invokeJson(event);
      const payload = result.payload.toString('utf8');
      return result.ok ? { ok: true, payload } : { ok: false, payload, errorType: result.errorType, errorMessage: result.errorMessage };
    },
    http: front
      ? async (method, path, headers, body) => {
          latestFailure = undefined;
          const answer = await httpRequest(new URL(path, front!.url), method, headers, body, (spec.timeoutSeconds + 30) * 1000);
          const failure = latestFailure as FunctionUrlFailure | undefined;
          return failure ? { ...answer, functionError: { errorType: failure.errorType, errorMessage: failure.errorMessage } } : answer;
        }
      : undefined,
  };
  return {
    spec,
    artifact,
    emulator,
    url: front?.url,
    target,
    async stop() {
      await Promise.allSettled([front?.stop(), emulator.stop()]);
    },
  };
}
