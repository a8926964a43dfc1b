/**
 * The files that make up a function's sources: what is hashed, copied into a ZIP's staging
 * directory, and nothing else. Test code, caches and the harness's own wheel drop are left out.
 */
import * as fs from 'node:fs';
import { ConfigurationError } from '../../model/error-codes';
import { walkDirectory } from './directory-walk';

/** Directory names never part of an artifact, wherever they appear. */
export const EXCLUDED_DIRECTORIES: readonly string[] = ['tests', '__pycache__', '.local-wheels', '.pytest_cache', '.mypy_cache', '.venv', '.git'];
/** File name suffixes never part of an artifact. */
export const EXCLUDED_SUFFIXES: readonly string[] = ['.pyc', '.pyo'];

export interface SourceFile {
  /** POSIX-style path relative to the source directory: `app/routes.py`. */
  readonly relativePath: string;
  readonly absolutePath: string;
  /** Any execute bit set: archived as 0755, else 0644. */
  readonly executable: boolean;
}

/** Lists the function's source files, sorted by relative path (byte order), symlinks followed. */
export function listSourceFiles(sourceDir: string): SourceFile[] {
  if (!fs.existsSync(sourceDir) || !fs.statSync(sourceDir).isDirectory()) {
    throw new ConfigurationError(`Function source directory '${sourceDir}' does not exist or is not a directory.`);
  }
  return walkDirectory(sourceDir, {
    includeDirectory: (name) => !EXCLUDED_DIRECTORIES.includes(name),
    includeFile: (name) => !EXCLUDED_SUFFIXES.some((suffix) => name.endsWith(suffix)),
  })
    .filter((entry) => entry.kind === 'file')
    .map(({ relativePath, absolutePath, executable }) => ({ relativePath, absolutePath, executable }));
}
