/**
 * Watches a function's source directory for `emulate --watch`: one callback per burst of saves
 * (an editor's "save" is often several writes and renames; several quick saves are one rebuild),
 * with the files that changed. Editor scratch files (swap, backup, lock, atomic-save temporaries)
 * and what never enters an artifact (caches, tests: harness/build/source-files.ts) are ignored,
 * so opening a file in vim or a test run writing __pycache__ rebuilds nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXCLUDED_DIRECTORIES, EXCLUDED_SUFFIXES } from '../build/source-files';

export interface SourceWatchProps {
  readonly dir: string;
  /** Quiet time after the last change before `onChange` is called. @default 300 ms */
  readonly debounceMs?: number;
  /** The changed files, relative to `dir`, sorted; called once per burst. */
  readonly onChange: (files: readonly string[]) => void;
  /** The watch itself failed (directory removed...). @default stderr */
  readonly onError?: (error: Error) => void;
}

/** File names editors write beside the file they save, never part of the function. */
const EDITOR_SCRATCH: readonly RegExp[] = [
  /^\..*\.sw[a-px]$/, // vim swap files: .handler.py.swp, .swo (.swx: its write probe)
  /^4913$/, // vim probes whether it may write the directory with this name
  /~$/, // vim/emacs/gedit backups: handler.py~
  /^\.#/, // emacs lock files
  /^#.*#$/, // emacs auto-save files
  /___jb_(tmp|old)___$/, // JetBrains atomic save
  /^\.goutputstream-/, // gedit/GIO atomic save
  /\.kate-swp$/,
  /^\.DS_Store$/,
  /\.(tmp|temp|bak|orig|rej)$/i,
  /\.sublime-workspace$/,
];

/** True when a change to this path (relative to the source directory) can change the artifact. */
export function isSourceChange(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/).filter(Boolean);
  if (parts.length === 0) return false;
  const name = parts[parts.length - 1];
  if (parts.slice(0, -1).some((part) => EXCLUDED_DIRECTORIES.includes(part))) return false;
  if (EXCLUDED_DIRECTORIES.includes(name)) return false;
  if (EXCLUDED_SUFFIXES.some((suffix) => name.endsWith(suffix))) return false;
  return !EDITOR_SCRATCH.some((pattern) => pattern.test(name));
}

export interface SourceWatch {
  close(): void;
}

export function watchSourceDirectory(props: SourceWatchProps): SourceWatch {
  const debounceMs = props.debounceMs ?? 300;
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const files = [...changed].sort();
    changed.clear();
    if (files.length > 0) props.onChange(files);
  };
  // Recursive fs.watch: inotify on Linux (Node >= 20), FSEvents on macOS, one watch for the tree.
  const watcher = fs.watch(props.dir, { recursive: true }, (_event, filename) => {
    if (filename === null) return;
    const relative = filename.toString().split(path.sep).join('/');
    if (!isSourceChange(relative)) return;
    changed.add(relative);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  watcher.on('error', (error) => (props.onError ?? ((e: Error) => process.stderr.write(`[watch] ${props.dir}: ${e.message}\n`)))(error));
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
