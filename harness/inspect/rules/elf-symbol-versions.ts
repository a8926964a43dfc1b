/**
 * The highest GLIBC / GLIBCXX / CXXABI symbol version each ELF needs must exist on the
 * *target*: for a ZIP, the Lambda runtime's Amazon Linux (AL2: glibc 2.26, AL2023: 2.34),
 * whatever base the harness boots locally; for an image, the C/C++ libraries in the image.
 */
import { runtimeFacts } from '../../../model/runtimes';
import {
  SYMBOL_FAMILIES,
  SymbolFamily,
  compareVersions,
  highestDefinedVersions,
  highestNeededVersions,
  parseSymbolVersion,
} from '../symbol-versions';
import { ArtifactFile, ArtifactView, Evidence, InspectionRule, InspectionTarget } from '../types';
import { fail, pass, plural, warn } from '../verdict';

/** System libraries the runtime provides; an artifact's own copies are renamed by auditwheel. */
const SYSTEM_LIBRARY = /^(libc|libm|libmvec|libpthread|libdl|librt|libresolv|libutil|libanl|libnsl|libcrypt|ld-linux[-\w.]*|libstdc\+\+|libgcc_s)\.so/;
const LIBC_FILE = /^(libc\.so\.6|libc-2\.\d+\.so)$/;
const LIBSTDCXX_FILE = /^libstdc\+\+\.so\.6(\.\d+)*$/;

export interface AvailableVersions {
  readonly versions: Readonly<Record<SymbolFamily, string>>;
  /** Where they come from, for messages: "python3.13 (Amazon Linux 2023)". */
  readonly source: string;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** For an image, its own libc/libstdc++ decide; otherwise the managed runtime's. */
export function availableVersions(view: ArtifactView, target: InspectionTarget): AvailableVersions {
  const facts = runtimeFacts(target.runtime);
  const runtimeVersions = { GLIBC: facts.glibc, GLIBCXX: facts.glibcxx, CXXABI: facts.cxxabi };
  const runtimeSource = `${facts.runtime} (${facts.os})`;
  if (view.kind !== 'image') return { versions: runtimeVersions, source: runtimeSource };
  const libc = view.files.find((file) => file.elf && LIBC_FILE.test(baseName(file.path)));
  const libstdcxx = view.files.find((file) => file.elf && LIBSTDCXX_FILE.test(baseName(file.path)));
  const fromLibc = libc ? highestDefinedVersions(libc.elf!) : {};
  const fromLibstdcxx = libstdcxx ? highestDefinedVersions(libstdcxx.elf!) : {};
  if (!fromLibc.GLIBC) return { versions: runtimeVersions, source: `${runtimeSource}; no libc.so.6 found in the image` };
  return {
    versions: {
      GLIBC: fromLibc.GLIBC,
      // An image without libstdc++ offers none: any GLIBCXX need then fails, as it would at load time.
      GLIBCXX: fromLibstdcxx.GLIBCXX ?? '0',
      CXXABI: fromLibstdcxx.CXXABI ?? '0',
    },
    source: `the image's /${libc!.path}${libstdcxx ? ` and /${libstdcxx.path}` : ' (no libstdc++ in the image)'}`,
  };
}

export const elfSymbolVersionsRule: InspectionRule = {
  id: 'elf-symbol-versions',
  description: 'GLIBC/GLIBCXX/CXXABI versions native binaries need exist on the target',
  appliesTo: ['zip', 'image'],
  check(view, target) {
    const available = availableVersions(view, target);
    const elves = view.files.filter((file) => file.elf);
    const bundled = new Set(
      elves.map((file) => baseName(file.path)).filter((name) => !SYSTEM_LIBRARY.test(name)),
    );
    const tooNew: Evidence[] = [];
    const highestSeen: Partial<Record<SymbolFamily, { version: string; file: string }>> = {};
    for (const file of elves) {
      const needed = highestNeededVersions(file.elf!, bundled);
      const reasons: string[] = [];
      for (const family of SYMBOL_FAMILIES) {
        const need = needed[family];
        if (!need) continue;
        const seen = highestSeen[family];
        if (!seen || compareVersions(need.version, seen.version) > 0) highestSeen[family] = { version: need.version, file: file.path };
        if (compareVersions(need.version, available.versions[family]) > 0) {
          const has = available.versions[family] === '0' ? 'none' : `up to ${family}_${available.versions[family]}`;
          const tooNewNames = tooNewVersions(file, family, available.versions[family], bundled);
          reasons.push(`needs ${tooNewNames.join(', ')} (from ${need.library}), ${available.source} has ${has}`);
        }
      }
      if (reasons.length > 0) tooNew.push({ file: file.path, detail: reasons.join('; ') });
    }
    const unreadable = unreadableEvidence(view.files);
    if (tooNew.length > 0) {
      return fail(
        this.id,
        `${plural(tooNew.length, 'ELF file')} need${tooNew.length === 1 ? 's' : ''} symbol versions newer than ${available.source} provides: ` +
          `loading ${tooNew.length === 1 ? 'it fails' : 'them fails'} with "version \`GLIBC_x.y' not found"`,
        [...tooNew, ...unreadable],
        view.kind === 'zip'
          ? `Build the native code (or install its wheels) inside an image with the target's glibc ${available.versions.GLIBC} ` +
              `or older (the ${target.runtime} build image), or pick wheels tagged manylinux_2_${available.versions.GLIBC.split('.')[1]} or lower; ` +
              'a binary built on a newer distribution (Debian trixie: glibc 2.41) links against symbols the runtime lacks.'
          : 'Build the native code in the same base image the function ships on (a multi-stage build FROM that base), ' +
              'so it links against the glibc/libstdc++ it will find at run time.',
      );
    }
    const summary = SYMBOL_FAMILIES.filter((family) => highestSeen[family])
      .map((family) => `${family}_${highestSeen[family]!.version} (${baseName(highestSeen[family]!.file)})`)
      .join(', ');
    if (unreadable.length > 0) {
      return warn(
        this.id,
        `${plural(unreadable.length, 'ELF file')} could not be checked for symbol versions`,
        unreadable,
        'Check these files by hand (readelf -V FILE) against the runtime: glibc ' + available.versions.GLIBC + '.',
      );
    }
    return pass(
      this.id,
      `${plural(elves.length, 'ELF file')} checked against ${available.source} ` +
        `(GLIBC ${available.versions.GLIBC}, GLIBCXX ${available.versions.GLIBCXX}); highest needed: ${summary || 'none'}`,
    );
  },
};

/** Every version of the family this file needs above what is available, highest first. */
function tooNewVersions(file: ArtifactFile, family: SymbolFamily, availableVersion: string, bundled: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  for (const need of file.elf!.versionNeeds) {
    if (bundled.has(need.library)) continue;
    for (const name of need.versions) {
      const parsed = parseSymbolVersion(name);
      if (parsed?.family === family && compareVersions(parsed.version, availableVersion) > 0) names.add(name);
    }
  }
  return [...names].sort((a, b) => compareVersions(parseSymbolVersion(b)!.version, parseSymbolVersion(a)!.version));
}

function unreadableEvidence(files: readonly ArtifactFile[]): Evidence[] {
  const evidence: Evidence[] = [];
  for (const file of files) {
    if (file.elfError) evidence.push({ file: file.path, detail: `could not read the ELF file: ${file.elfError}` });
    else if (file.elf && !file.elf.hasSectionHeaders && file.elf.typeName === 'shared object') {
      evidence.push({ file: file.path, detail: 'no section headers (stripped with sstrip?): its version needs are unknown' });
    }
  }
  return evidence;
}
