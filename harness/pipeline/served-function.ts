/**
 * One artifact booted as deployed: execution environments polling our Runtime API emulator,
 * plus its Function URL front when the catalog declares one. Exposed to the suite as a
 * FunctionTarget, so local checks and preprod smoke checks are the same code.
 */
import { request } from 'undici';
import { EnvironmentName } from '../../lambdas/resources';
import { FunctionSpec } from '../../lambdas/function-spec';
import { Artifact } from '../build/artifact';
import { FunctionUrlFront } from '../emulator/function-url-front';
import { InvokeFailure } from '../emulator/invoke-result';
import { LambdaEmulator } from '../emulator/lambda-emulator';
import { LaunchSpec } from '../emulator/launch-spec';
import { FunctionTarget } from '../suite/function-target';

export interface ServeFunctionProps {
  readonly spec: FunctionSpec;
  readonly artifact: Artifact;
  /** The function's resolved environment (catalog values + local AWS endpoint). */
  readonly environment: Readonly<Record<string, string>>;
  /** Which CORS of the catalog applies. @default 'local' */
  readonly environmentName?: EnvironmentName;
  /** Port of the Function URL front. @default ephemeral */
  readonly urlPort?: number;
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

/** What a container boots for this artifact: a ZIP on its base at a read-only /var/task, or the image. */
export function launchSpecFor(spec: FunctionSpec, artifact: Artifact, environment: Readonly<Record<string, string>>): LaunchSpec {
  const common = { env: environment, memoryMb: spec.memoryMb, timeoutSeconds: spec.timeoutSeconds, functionName: spec.name };
  return artifact.kind === 'zip'
    ? { ...common, image: artifact.base.image, command: [spec.handler], mounts: [{ hostPath: artifact.unpackedDir, containerPath: '/var/task', readOnly: true }] }
    : { ...common, image: artifact.tag, command: [] };
}

export async function serveFunction(props: ServeFunctionProps): Promise<ServedFunction> {
  const { spec, artifact } = props;
  const emulator = new LambdaEmulator({
    launch: launchSpecFor(spec, artifact, props.environment),
    maxEnvironments: props.maxEnvironments,
    onLog: props.onLog,
  });
  let latestFailure: InvokeFailure | undefined;
  let front: FunctionUrlFront | undefined;
  if (spec.url) {
    front = await new FunctionUrlFront({
      invoker: emulator,
      cors: spec.url.cors[props.environmentName ?? 'local'],
      port: props.urlPort,
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
          const response = await request(new URL(path, front!.url), { method: method as 'GET', headers, body });
          const flat: Record<string, string> = {};
          for (const [key, value] of Object.entries(response.headers)) {
            if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          const text = await response.body.text();
          const failure = latestFailure as InvokeFailure | undefined;
          return {
            status: response.statusCode,
            headers: flat,
            body: text,
            functionError: failure ? { errorType: failure.errorType, errorMessage: failure.errorMessage } : undefined,
          };
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
