/**
 * Wheels no reachable index serves (the CPU-only torch for Python 3.11) come from the host's
 * `PIP_FIND_LINKS` directories: matching files are linked (or copied) into `<context>/.local-wheels/`
 * so a Dockerfile can `COPY .local-wheels/ /tmp/.local-wheels/` and `pip install --find-links`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '../../model/error-codes';

/** Directories named by PIP_FIND_LINKS (space separated; file:// URLs accepted; URLs skipped). */
export function findLinksDirectories(value: string | undefined = process.env.PIP_FIND_LINKS): string[] {
  return (value ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => (entry.startsWith('file://') ? entry.slice('file://'.length) : entry))
    .filter((entry) => !/^[a-z]+:\/\//i.test(entry) && fs.existsSync(entry) && fs.statSync(entry).isDirectory());
}

/** `torch-*-cp311-*.whl` -> a RegExp over file names (`*` and `?` only). */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export interface StagedWheel {
  readonly name: string;
  readonly bytes: number;
  readonly from: string;
}

/**
 * Replaces `<contextDir>/.local-wheels/` with the wheels matching `globs` (always creating the
 * directory, so Dockerfiles can COPY it unconditionally). Throws when a glob matches nothing.
 */
export function stageLocalWheels(contextDir: string, globs: readonly string[], directories = findLinksDirectories()): StagedWheel[] {
  const target = path.join(contextDir, '.local-wheels');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const staged: StagedWheel[] = [];
  for (const glob of globs) {
    const pattern = globToRegExp(glob);
    const matches = directories.flatMap((dir) =>
      fs.readdirSync(dir).filter((name) => pattern.test(name)).map((name) => ({ name, from: path.join(dir, name) })),
    );
    if (matches.length === 0) {
      throw new ConfigurationError(
        `No wheel matching '${glob}' in the PIP_FIND_LINKS directories (${directories.join(', ') || 'none set'}). ` +
          'The function declares it in image.localWheels because no reachable index serves it: put the wheel in one of those directories, ' +
          'or set PIP_FIND_LINKS to the directory that holds it.',
      );
    }
    for (const match of matches) {
      if (staged.some((wheel) => wheel.name === match.name)) continue;
      const destination = path.join(target, match.name);
      try {
        fs.linkSync(match.from, destination);
      } catch {
        fs.copyFileSync(match.from, destination);
      }
      staged.push({ name: match.name, bytes: fs.statSync(destination).size, from: match.from });
    }
  }
  return staged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
