/**
 * The version of static inspection that a cached verdict was judged by: a revision bumped by hand
 * (for changes the source hash cannot see, e.g. a dependency's behaviour) plus the sha256 of the
 * sources that read artifacts and judge them (the rules, the pack, the readers, and the runtime
 * facts in model/runtimes.ts they judge against). Editing any rule
 * changes the version, so every cached verdict stops matching and artifacts are inspected again.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bump by hand when inspection's results change for a reason outside these source files. */
export const RULE_PACK_REVISION = 1;

/** Source files (besides rules/) whose change can change a verdict: the readers and the pack. */
export const JUDGING_SOURCES = [
  'default-pack.ts',
  'elf-reader.ts',
  'file-facts.ts',
  'image-reader.ts',
  'image-layers.ts',
  'inspect.ts',
  'python-tags.ts',
  'symbol-versions.ts',
  'tar-reader.ts',
  'types.ts',
  'verdict.ts',
  'zip-reader.ts',
  // The facts the rules judge against: target runtimes (glibc, CPython ABI, wheel tags, ELF machines),
  // Lambda's limits and handler format, the secret-looking name rule.
  '../../model/runtimes.ts',
  '../../model/lambda-limits.ts',
  '../../model/secret-naming.ts',
];

/** `r1-<sha256 of the sources, 16 hex>`; `inspectDir` is harness/inspect (a copy in tests). */
export function rulePackVersion(inspectDir: string = __dirname): string {
  const hash = createHash('sha256');
  const rulesDir = path.join(inspectDir, 'rules');
  const ruleFiles = fs.existsSync(rulesDir) ? fs.readdirSync(rulesDir).filter((name) => /\.(ts|js)$/.test(name)).sort().map((name) => `rules/${name}`) : [];
  for (const relative of [...JUDGING_SOURCES, ...ruleFiles]) {
    const file = path.join(inspectDir, relative);
    // Compiled (.js) or not, whichever is there; a missing reader is part of the version too.
    const present = [file, file.replace(/\.ts$/, '.js')].find((candidate) => fs.existsSync(candidate));
    hash.update(`${relative}:`);
    hash.update(present ? fs.readFileSync(present) : Buffer.from('missing'));
    hash.update('\n');
  }
  return `r${RULE_PACK_REVISION}-${hash.digest('hex').slice(0, 16)}`;
}

let current: string | undefined;

/** The running code's rule-pack version (computed once per process). */
export function currentRulePackVersion(): string {
  current ??= rulePackVersion();
  return current;
}
