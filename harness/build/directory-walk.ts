/**
 * One walk over a directory tree, shared by what hashes and copies a function's sources and by what
 * zips a whole directory: the same order, the same symlink rule and the same execute-bit reading,
 * so a tree zipped whole and the same tree listed as sources cannot disagree about a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WalkedEntry {
  /** POSIX-style path relative to the root: `app/routes.py`. */
  readonly relativePath: string;
  readonly absolutePath: string;
  readonly kind: 'file' | 'directory';
  /** Any execute bit set (files only). */
  readonly executable: boolean;
}

export interface WalkFilter {
  /** Whether to descend into (and list) this directory. @default every directory */
  readonly includeDirectory?: (name: string) => boolean;
  /** Whether to list this file. @default every file */
  readonly includeFile?: (name: string) => boolean;
}

/** Every file and directory under `rootDir` that the filter keeps, sorted by path in byte order, symlinks followed. */
export function walkDirectory(rootDir: string, filter: WalkFilter = {}): WalkedEntry[] {
  const entries: WalkedEntry[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of fs.readdirSync(dir)) {
      const absolutePath = path.join(dir, name);
      const relativePath = prefix ? `${prefix}/${name}` : name;
      const stat = fs.statSync(absolutePath);
      if (stat.isDirectory()) {
        if (filter.includeDirectory && !filter.includeDirectory(name)) continue;
        entries.push({ relativePath, absolutePath, kind: 'directory', executable: false });
        walk(absolutePath, relativePath);
      } else if (stat.isFile() && (!filter.includeFile || filter.includeFile(name))) {
        entries.push({ relativePath, absolutePath, kind: 'file', executable: (stat.mode & 0o111) !== 0 });
      }
    }
  };
  walk(rootDir, '');
  return entries.sort((a, b) => compareBytes(a.relativePath, b.relativePath));
}

/** Byte-order comparison, independent of locale. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
