/**
 * A function that is not in the catalog: any directory with a handler module and a
 * requirements.txt (ZIP), or a Dockerfile (image). `npm run verify -- --dir <path> ...`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '../../model/error-codes';
import { CorsSpec, FunctionSpec, validateFunctionSpec } from '../../model/function-spec';
import { PythonRuntime } from '../../model/runtimes';
import { hostArchitecture } from '../images/runtime-base';

export interface AdHocFunctionProps {
  readonly dir: string;
  /** @default 'python3.13' */
  readonly runtime?: string;
  /** @default 'handler.lambda_handler' */
  readonly handler?: string;
  /** Package as an image (needs a Dockerfile). @default true when the directory has a Dockerfile and no requirements.txt */
  readonly image?: boolean;
  /** Health path answered with 200 JSON through a Function URL. @default none (no URL) */
  readonly healthPath?: string;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** The function's own environment variables (`--env K=V`). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
}

const OPEN_CORS: CorsSpec = { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] };

export function adHocFunction(props: AdHocFunctionProps): FunctionSpec {
  const dir = path.resolve(props.dir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ConfigurationError(`--dir '${props.dir}' is not a directory (resolved to ${dir}).`);
  }
  const hasDockerfile = fs.existsSync(path.join(dir, 'Dockerfile'));
  const hasRequirements = fs.existsSync(path.join(dir, 'requirements.txt'));
  const image = props.image ?? (hasDockerfile && !hasRequirements);
  if (image && !hasDockerfile) {
    throw new ConfigurationError(`--image needs a Dockerfile in ${dir} (FROM \${BASE_IMAGE}, the harness passes the runtime base).`);
  }
  const handler = props.handler ?? 'handler.lambda_handler';
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 40) || 'function';
  return validateFunctionSpec({
    name,
    description: `ad-hoc function from ${dir}`,
    sourceDir: dir,
    packaging: image ? 'image' : 'zip',
    runtime: (props.runtime ?? 'python3.13') as PythonRuntime,
    architecture: hostArchitecture(),
    handler,
    memoryMb: props.memoryMb ?? 512,
    timeoutSeconds: props.timeoutSeconds ?? 30,
    environment: { ...props.environment },
    url: props.healthPath
      ? { authType: 'NONE', invokeMode: 'BUFFERED', cors: { local: OPEN_CORS, preprod: OPEN_CORS, prod: { ...OPEN_CORS, allowOrigins: [] } } }
      : undefined,
    healthPath: props.healthPath,
    image: image ? { dockerfile: 'Dockerfile' } : undefined,
  });
}
