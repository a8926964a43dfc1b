/**
 * GNU symbol versions (`GLIBC_2.34`, `GLIBCXX_3.4.29`, `CXXABI_1.3.13`): parsing, ordering,
 * and "the highest version this ELF needs from the system".
 */
import { ElfInfo } from './elf-reader';

export type SymbolFamily = 'GLIBC' | 'GLIBCXX' | 'CXXABI';
export const SYMBOL_FAMILIES: readonly SymbolFamily[] = ['GLIBC', 'GLIBCXX', 'CXXABI'];

/**
 * Version markers that are not numbered but imply a minimum glibc:
 * DT_RELR packed relocations (`-z pack-relative-relocs`) arrived in glibc 2.36.
 */
const MARKER_VERSIONS: Readonly<Record<string, { family: SymbolFamily; version: string }>> = {
  GLIBC_ABI_DT_RELR: { family: 'GLIBC', version: '2.36' },
};

/** `GLIBC_2.2.5` -> { family: 'GLIBC', version: '2.2.5' }; `GLIBC_PRIVATE` -> undefined. */
export function parseSymbolVersion(name: string): { family: SymbolFamily; version: string } | undefined {
  const marker = MARKER_VERSIONS[name];
  if (marker) return marker;
  const match = /^(GLIBCXX|GLIBC|CXXABI)_(\d+(?:\.\d+)*)$/.exec(name);
  if (!match) return undefined;
  return { family: match[1] as SymbolFamily, version: match[2] };
}

/** Numeric, dot-separated comparison: `2.9` < `2.17` < `2.34`. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const diff = (left[index] ?? 0) - (right[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export interface NeededVersion {
  readonly family: SymbolFamily;
  /** `2.38` */
  readonly version: string;
  /** `GLIBC_2.38` as written in the file. */
  readonly symbolVersion: string;
  /** `libc.so.6` */
  readonly library: string;
}

/**
 * The highest version per family this ELF needs from the system. Needs on libraries the
 * artifact ships itself (auditwheel's `libstdc++-1a2b3c.so.6` in `pkg.libs/`) are met by
 * those copies, not the runtime, so they are left out.
 */
export function highestNeededVersions(
  elf: ElfInfo,
  bundledLibraries: ReadonlySet<string> = new Set(),
): Partial<Record<SymbolFamily, NeededVersion>> {
  const highest: Partial<Record<SymbolFamily, NeededVersion>> = {};
  for (const need of elf.versionNeeds) {
    if (bundledLibraries.has(need.library)) continue;
    for (const symbolVersion of need.versions) {
      const parsed = parseSymbolVersion(symbolVersion);
      if (!parsed) continue;
      const current = highest[parsed.family];
      if (!current || compareVersions(parsed.version, current.version) > 0) {
        highest[parsed.family] = { ...parsed, symbolVersion, library: need.library };
      }
    }
  }
  return highest;
}

/** The highest version per family a library defines (libc.so.6 -> GLIBC 2.41). */
export function highestDefinedVersions(elf: ElfInfo): Partial<Record<SymbolFamily, string>> {
  const highest: Partial<Record<SymbolFamily, string>> = {};
  for (const name of elf.versionDefinitions) {
    const parsed = parseSymbolVersion(name);
    if (!parsed || MARKER_VERSIONS[name]) continue;
    const current = highest[parsed.family];
    if (!current || compareVersions(parsed.version, current) > 0) highest[parsed.family] = parsed.version;
  }
  return highest;
}
