/**
 * The content hash that names an artifact: same inputs, same hash, same bytes. It covers the
 * source files (paths, bytes, execute bits; never mtimes), the runtime, architecture, the base
 * image id, build options that change the bytes, and BUILDER_VERSION.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Architecture, PythonRuntime } from '../../model/runtimes';
import { Packaging } from '../../model/function-spec';
import { listSourceFiles } from './source-files';

/** Bump when the builders change how bytes are produced, so old cache entries stop matching. */
export const BUILDER_VERSION = 'zip-1/image-1';

export interface ContentHashInputs {
  /** Absolute path of the function's source directory. */
  readonly sourceDir: string;
  readonly packaging: Packaging;
  readonly runtime: PythonRuntime;
  readonly architecture: Architecture;
  /** `sha256:...` id of the runtime base image. */
  readonly baseImageId: string;
  /** Build options that change the artifact's bytes (requirements mode, build args, wheels). @default {} */
  readonly options?: Readonly<Record<string, unknown>>;
}

export function computeContentHash(inputs: ContentHashInputs): string {
  const hash = createHash('sha256');
  const field = (name: string, value: string | Buffer): void => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    // Length-prefixed, so no two different input lists can produce the same stream.
    hash.update(`${name}:${bytes.length}:`);
    hash.update(bytes);
    hash.update('\n');
  };
  field('builder', BUILDER_VERSION);
  field('packaging', inputs.packaging);
  field('runtime', inputs.runtime);
  field('architecture', inputs.architecture);
  field('base', inputs.baseImageId);
  field('options', canonicalJson(inputs.options ?? {}));
  for (const file of listSourceFiles(inputs.sourceDir)) {
    field('path', file.relativePath);
    field('mode', file.executable ? '755' : '644');
    field('bytes', fs.readFileSync(file.absolutePath));
  }
  return hash.digest('hex');
}

/** JSON with object keys sorted at every level, so key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
