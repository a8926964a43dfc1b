/**
 * One artifact booted as deployed: execution environments polling our Runtime API emulator,
 * plus its Function URL front when the catalog declares one. Exposed to the suite as a
 * FunctionTarget, so local checks and preprod smoke checks are the same code.
 */
import { EnvironmentName } from '../../model/resources';
import { FunctionSpec } from '../../model/function-spec';
import { Artifact } from '../build/artifact';
import { FunctionUrlAccess } from '../emulator/function-url-authorization';
import { FunctionUrlFailure, FunctionUrlFront } from '../emulator/function-url-front';
import { InvokeOptions, Invoker, LambdaEmulator } from '../emulator/lambda-emulator';
import { InvokeResult } from '../emulator/invoke-result';
import { RieFunction } from '../rie/rie-function';
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
  /** Which Lambda emulation runs it: ours, or AWS's Runtime Interface Emulator. @default 'emulator' */
  readonly engine?: EngineName;
}

/** `--engine`: our Runtime API emulator (default) or AWS's RIE (harness/rie/). Parsed by harness/cli/engine-option.ts. */
export type EngineName = 'emulator' | 'rie';
export const ENGINE_NAMES: readonly EngineName[] = ['emulator', 'rie'];

/** What serves a function's invokes, whichever engine runs it. */
export interface ServedInvoker extends Invoker {
  invokeJson(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  stop(): Promise<void>;
}

export interface ServedFunction {
  readonly spec: FunctionSpec;
  readonly artifact: Artifact;
  readonly emulator: ServedInvoker;
  readonly engine: EngineName;
  /** `http://127.0.0.1:<port>/` of the Function URL front, when the function has a URL. */
  readonly url?: string;
  readonly target: FunctionTarget;
  stop(): Promise<void>;
}

export async function serveFunction(props: ServeFunctionProps): Promise<ServedFunction> {
  const { spec, artifact } = props;
  const launch = launchSpecFromArtifact({
    artifact, handler: spec.handler, memoryMb: spec.memoryMb, ephemeralStorageMb: spec.ephemeralStorageMb, timeoutSeconds: spec.timeoutSeconds, env: props.environment, functionName: spec.name,
  });
  const engine = props.engine ?? 'emulator';
  const emulator: ServedInvoker = engine === 'rie'
    ? await RieFunction.start(launch, { onLog: props.onLog })
    : new LambdaEmulator({ launch, maxEnvironments: props.maxEnvironments, onLog: props.onLog });
  let latestFailure: FunctionUrlFailure | undefined;
  const front = spec.url
    ? await startFunctionUrlFront(spec, emulator, {
      environmentName: props.environmentName, port: props.urlPort, access: props.urlAccess, onFunctionError: (failure) => { latestFailure = failure; },
    })
    : undefined;
  const target: FunctionTarget = {
    description: `local environments on ${artifact.base.description}${engine === 'rie' ? " under AWS's RIE" : ''}`,
    invoke: async (event) => {
      const result = await emulator.invokeJson(event);
      const payload = result.payload.toString('utf8');
      return result.ok ? { ok: true, payload } : { ok: false, payload, errorType: result.errorType, errorMessage: result.errorMessage };
    },
    http: front
      ? async (method, path, headers, body) => {
          latestFailure = undefined;
          const answer = await httpRequest(new URL(path, front.url), method, headers, body, (spec.timeoutSeconds + 30) * 1000);
          const failure = latestFailure as FunctionUrlFailure | undefined;
          return failure ? { ...answer, functionError: { errorType: failure.errorType, errorMessage: failure.errorMessage } } : answer;
        }
      : undefined,
  };
  return {
    spec,
    artifact,
    emulator,
    engine,
    url: front?.url,
    target,
    async stop() {
      await Promise.allSettled([front?.stop(), emulator.stop()]);
    },
  };
}

export interface FunctionUrlFrontOptions {
  /** Which CORS of the catalog applies. @default 'local' */
  readonly environmentName?: EnvironmentName;
  /** @default ephemeral */
  readonly port?: number;
  /** The deployed URL's verdict for anonymous callers. @default allowed */
  readonly access?: FunctionUrlAccess;
  /** @default none */
  readonly onFunctionError?: (failure: FunctionUrlFailure) => void;
}

/**
 * The Function URL front of a function with a URL, as the catalog declares it, in front of any
 * invoker: a version's own emulator (verification) or the switchable one `emulate --watch` serves.
 */
export function startFunctionUrlFront(spec: FunctionSpec, invoker: Invoker, options: FunctionUrlFrontOptions = {}): Promise<FunctionUrlFront> {
  if (!spec.url) throw new Error(`Function '${spec.name}' declares no Function URL.`);
  return new FunctionUrlFront({
    invoker,
    cors: spec.url.cors[options.environmentName ?? 'local'],
    port: options.port,
    access: options.access,
    onFunctionError: options.onFunctionError,
  }).start();
}
