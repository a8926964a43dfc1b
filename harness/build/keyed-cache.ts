/**
 * A small on-disk store of results that depend only on bytes (inspection verdicts, per-layer
 * facts, import smoke results): one JSON file per key under `.work/cache/<kind>/`, written
 * atomically, each recording when it was computed and from what. A key is the sha256 of the
 * canonical JSON of every input, so a changed input is a different file, never a stale hit.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from './content-hash';

/** `<repo>/.work/cache`: every cache of the inner loop lives here (`npm run clean -- --all` removes it). */
export const CACHE_DIR_NAME = 'cache';

/** Entries kept per cache kind; older ones are removed on write (they are a few KB each). @default 400 */
export const KEEP_CACHE_ENTRIES = 400;

export interface CachedRecord<T> {
  /** ISO time the value was computed (what the report shows: "cached, verdict of <at>"). */
  readonly at: string;
  readonly key: string;
  /** What the key was made of, for people reading the file. */
  readonly inputs: unknown;
  readonly value: T;
}

/** sha256 hex of the canonical JSON of the inputs. */
export function cacheKey(inputs: unknown): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}

export class KeyedCache<T> {
  /** @param dir `<workDir>/cache/<kind>` */
  constructor(readonly dir: string, private readonly keep = KEEP_CACHE_ENTRIES) {}

  static under<T>(workDir: string, kind: string): KeyedCache<T> {
    return new KeyedCache<T>(path.join(workDir, CACHE_DIR_NAME, kind));
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** The record for these inputs, or undefined (missing or unreadable: recomputed, never trusted). */
  read(inputs: unknown): CachedRecord<T> | undefined {
    const key = cacheKey(inputs);
    try {
      const record = JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as CachedRecord<T>;
      if (record.key !== key) return undefined;
      // A hit refreshes the entry's place in the pruning order.
      const now = new Date();
      fs.utimesSync(this.file(key), now, now);
      return record;
    } catch {
      return undefined;
    }
  }

  write(inputs: unknown, value: T, at = new Date()): CachedRecord<T> {
    const key = cacheKey(inputs);
    const record: CachedRecord<T> = { at: at.toISOString(), key, inputs, value };
    fs.mkdirSync(this.dir, { recursive: true });
    const temporary = `${this.file(key)}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(record));
    fs.renameSync(temporary, this.file(key));
    this.prune();
    return record;
  }

  /** Keeps the newest `keep` entries (by last use). */
  prune(): number {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((name) => name.endsWith('.json'));
    } catch {
      return 0;
    }
    if (names.length <= this.keep) return 0;
    const byAge = names
      .map((name) => ({ name, mtime: fs.statSync(path.join(this.dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of byAge.slice(this.keep)) fs.rmSync(path.join(this.dir, old.name), { force: true });
    return byAge.length - this.keep;
  }
}
