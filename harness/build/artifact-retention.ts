/**
 * `.work/artifacts/<fn>/` keeps only the most recently used artifacts of each function (every
 * edit of a function makes a new content hash, ~58 MB for the dashboard): the newest
 * HARNESS_KEEP_ARTIFACTS (default 3), plus whatever the manifest records (the deploy gate
 * needs the verified ZIP). A cache hit refreshes an artifact's place in the order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { MANIFEST_PATH, readManifest } from '../../model/manifest';
import { ConfigurationError } from '../../model/error-codes';

export const KEEP_ARTIFACTS_DEFAULT = 3;

/** HARNESS_KEEP_ARTIFACTS, else 3; a bad value is an error naming it. */
export function keepArtifactsSetting(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HARNESS_KEEP_ARTIFACTS;
  if (raw === undefined || raw === '') return KEEP_ARTIFACTS_DEFAULT;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`HARNESS_KEEP_ARTIFACTS must be an integer >= 1 (artifacts kept per function), got '${raw}'.`);
  }
  return value;
}

export interface PruneResult {
  /** Content hashes removed. */
  readonly removed: readonly string[];
  readonly bytesFreed: number;
}

export interface PruneProps {
  /** `.work/artifacts/<fn>` */
  readonly functionDir: string;
  /** @default keepArtifactsSetting() */
  readonly keep?: number;
  /** Hashes never removed (the one just built or used). @default none */
  readonly protect?: readonly string[];
  /** @default MANIFEST_PATH */
  readonly manifestPath?: string;
}

/** Marks an artifact as just used (its ZIP's mtime orders the pruning). */
export function touchArtifact(zipPath: string): void {
  const now = new Date();
  try {
    fs.utimesSync(zipPath, now, now);
  } catch {
    // not there: nothing to order
  }
}

export function pruneArtifacts(props: PruneProps): PruneResult {
  const keep = props.keep ?? keepArtifactsSetting();
  let entries: string[];
  try {
    entries = fs.readdirSync(props.functionDir);
  } catch {
    return { removed: [], bytesFreed: 0 };
  }
  const protectedHashes = new Set([...(props.protect ?? []), ...manifestHashes(props.manifestPath ?? MANIFEST_PATH)]);
  const byHash = new Map<string, number>();
  for (const name of entries) {
    const hash = name.replace(/\.zip$/, '').replace(/\.\d+\.tmp$/, '');
    const mtime = safeStat(path.join(props.functionDir, name))?.mtimeMs ?? 0;
    byHash.set(hash, Math.max(byHash.get(hash) ?? 0, name.endsWith('.zip') ? mtime : 0));
  }
  const newestFirst = [...byHash.entries()].sort((a, b) => b[1] - a[1]).map(([hash]) => hash);
  const removed: string[] = [];
  let bytesFreed = 0;
  for (const hash of newestFirst.slice(keep)) {
    if (protectedHashes.has(hash)) continue;
    for (const name of entries.filter((entry) => entry === hash || entry === `${hash}.zip`)) {
      const target = path.join(props.functionDir, name);
      bytesFreed += diskUsage(target);
      fs.rmSync(target, { recursive: true, force: true });
    }
    removed.push(hash);
  }
  return { removed, bytesFreed };
}

function manifestHashes(manifestPath: string): string[] {
  if (!fs.existsSync(manifestPath)) return [];
  try {
    return Object.values(readManifest(manifestPath).functions)
      .filter((entry) => entry.kind === 'zip')
      .map((entry) => path.basename(path.resolve(REPO_ROOT, (entry as { zipPath: string }).zipPath), '.zip'));
  } catch {
    return [];
  }
}

function safeStat(target: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(target);
  } catch {
    return undefined;
  }
}

/** Bytes under a path (files counted once, symlinks not followed). */
export function diskUsage(target: string): number {
  const stat = safeStat(target);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, name) => sum + diskUsage(path.join(target, name)), 0);
}
