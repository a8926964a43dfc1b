/**
 * Import smoke: every top-level module and package of the artifact imports inside the runtime,
 * reported one by one. Runs in a one-off container of the same image, mounts and environment as
 * the function's execution environments, with Python as the entrypoint instead of the bootstrap.
 * A passing result is cached by the artifact's bytes (ZIP sha256 or image id) and the base image
 * id; a failure is never cached, so it runs again after every change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KeyedCache } from '../build/keyed-cache';
import { sha256Text } from '../build/requirements-lock';
import { ContainerExitError, HarnessContainer, runToCompletion } from '../docker/harness-container';
import { CheckResult } from './check-result';
import { errorCodeOf } from '../../model/error-codes';

export interface ImportSmokeProps {
  readonly image: string;
  /** ZIP functions: the extracted archive, mounted read-only at /var/task. @default none (image) */
  readonly taskDir?: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  /** Interpreter inside the image. @default '/var/lang/bin/python3' */
  readonly python?: string;
}

const SCRIPT = fs.readFileSync(path.join(__dirname, 'import-smoke.py'), 'utf8');
const LINE_PREFIX = 'IMPORT-SMOKE ';

interface ImportRecord {
  readonly module: string;
  readonly ok: boolean;
  readonly errorType?: string;
  readonly message?: string;
  readonly trace?: string;
  readonly ms: number;
}

export async function runImportSmoke(props: ImportSmokeProps): Promise<CheckResult[]> {
  const container = new HarnessContainer(props.image, 'import-smoke')
    .withNetworkMode('host')
    .withReadOnlyRootFilesystem()
    .withTmpFs({ '/tmp': 'rw,size=512m' })
    .withMemoryLimitMb(props.memoryMb)
    .withEntrypoint([props.python ?? '/var/lang/bin/python3'])
    .withEnvironment({ ...props.environment })
    .withCommand(['-c', SCRIPT]);
  if (props.taskDir) container.withBindMounts([{ source: props.taskDir, target: '/var/task', mode: 'ro' }]);

  const started = performance.now();
  let output: string;
  try {
    output = (await runToCompletion(container, { timeoutMs: 10 * 60_000 })).stdout;
  } catch (error) {
    const detail = error instanceof ContainerExitError ? `${error.stdout}\n${error.stderr}`.trim() : String(error);
    return [{ kind: 'import', name: 'import every top-level module', passed: false, errorType: 'Harness.ImportSmokeCrashed',
      code: errorCodeOf(error), message: `The import smoke container did not finish: ${detail.slice(-2000)}`, durationMs: Math.round(performance.now() - started) }];
  }
  const records = output.split('\n').filter((line) => line.startsWith(LINE_PREFIX))
    .map((line) => JSON.parse(line.slice(LINE_PREFIX.length)) as ImportRecord);
  if (records.length === 0) {
    return [{ kind: 'import', name: 'import every top-level module', passed: false, errorType: 'Harness.NothingToImport',
      // An empty function directory is the user's to fix, not ours.
      code: 'CONFIGURATION', message: 'The artifact has no top-level Python module or package in /var/task.', durationMs: Math.round(performance.now() - started) }];
  }
  return records.map((record) => ({
    kind: 'import' as const,
    name: `import ${record.module}`,
    passed: record.ok,
    errorType: record.ok ? undefined : record.errorType,
    message: record.ok ? 'imported' : `${record.message ?? ''}${record.trace ? `\n${record.trace.trim()}` : ''}`,
    durationMs: record.ms,
  }));
}

export interface ImportSmokeCacheProps {
  /** `.work`; results live in `.work/cache/import-smoke`. */
  readonly workDir: string;
  /** What the bytes are: a ZIP's sha256, or an image's id. */
  readonly artifactId: string;
  /** Id of the image the smoke runs on (the base for a ZIP, the function's image for an image). */
  readonly baseImageId: string;
  /** Run it even when a passing result is cached (verify --force). @default false */
  readonly force?: boolean;
}

/**
 * The import smoke, or its cached passing result for the same bytes on the same base. The key has
 * the environment's variable NAMES, not their values: those differ per run (local ports, ARNs).
 */
export async function runImportSmokeCached(props: ImportSmokeProps, cacheProps: ImportSmokeCacheProps): Promise<CheckResult[]> {
  const cache = KeyedCache.under<CheckResult[]>(cacheProps.workDir, 'import-smoke');
  const inputs = {
    artifact: cacheProps.artifactId,
    base: cacheProps.baseImageId,
    memoryMb: props.memoryMb,
    python: props.python ?? '/var/lang/bin/python3',
    script: sha256Text(SCRIPT),
    environmentNames: Object.keys(props.environment).sort(),
  };
  const hit = cacheProps.force ? undefined : cache.read(inputs);
  if (hit) return hit.value.map((check) => ({ ...check, cachedAt: hit.at, durationMs: 0 }));
  const results = await runImportSmoke(props);
  if (results.every((check) => check.passed)) cache.write(inputs, results);
  return results;
}
