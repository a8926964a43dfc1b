/**
 * What file names and wheel tags say about the Python and platform a file was built for:
 * extension suffixes (PEP 3149), wheel tags (PEP 425, PEP 600 manylinux), `__pycache__` names.
 */
import { Architecture, RuntimeFacts } from '../../model/runtimes';
import { compareVersions } from './symbol-versions';

/** Machine names in extension suffixes and platform tags, per Lambda architecture. */
export const PLATFORM_MACHINE: Readonly<Record<Architecture, string>> = { x86_64: 'x86_64', arm64: 'aarch64' };

/** Legacy manylinux aliases and the glibc they stand for (PEP 600). */
const LEGACY_MANYLINUX: Readonly<Record<string, string>> = {
  manylinux1: '2.5',
  manylinux2010: '2.12',
  manylinux2014: '2.17',
};

export type ExtensionSuffix =
  /** `.cpython-313-x86_64-linux-gnu.so` (or `-313t-` free-threaded) */
  | { readonly kind: 'cpython'; readonly abiTag: string; readonly freeThreaded: boolean; readonly platform: string }
  /** `.abi3.so`: the stable ABI, loads on any CPython 3 at least as new as the one it targets. */
  | { readonly kind: 'abi3' }
  /** A bare `.so`: CPython accepts it, with no claim about the ABI. */
  | { readonly kind: 'plain' };

/** Reads the suffix of a CPython extension module file name; undefined for other files. */
export function parseExtensionSuffix(fileName: string): ExtensionSuffix | undefined {
  const base = fileName.split('/').pop() ?? fileName;
  const cpython = /\.cpython-(\d)(\d+)(t?)-([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)\.so$/.exec(base);
  if (cpython) {
    return { kind: 'cpython', abiTag: `cp${cpython[1]}${cpython[2]}`, freeThreaded: cpython[3] === 't', platform: cpython[4] };
  }
  if (/\.abi3\.so$/.test(base)) return { kind: 'abi3' };
  if (/\.so$/.test(base) && !/\.so\./.test(base) && !/^lib/.test(base)) return { kind: 'plain' };
  return undefined;
}

/** `x86_64-linux-gnu` for x86_64, `aarch64-linux-gnu` for arm64. */
export function extensionPlatform(architecture: Architecture): string {
  return `${PLATFORM_MACHINE[architecture]}-linux-gnu`;
}

/** `foo/__pycache__/bar.cpython-312.pyc` -> `cp312`; undefined for other files. */
export function pycacheAbiTag(path: string): string | undefined {
  const match = /(?:^|\/)__pycache__\/[^/]+\.cpython-(\d)(\d+)(?:\.opt-\d)?\.pyc$/.exec(path);
  return match ? `cp${match[1]}${match[2]}` : undefined;
}

export interface TagCompatibility {
  readonly compatible: boolean;
  /** Why not, in words: "platform manylinux_2_17_aarch64 is for aarch64, the function runs x86_64". */
  readonly reason: string;
}

function pythonMinor(tag: string): number | undefined {
  const match = /^(?:cp|py)3(\d+)$/.exec(tag);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether one wheel tag (`cp313-cp313-manylinux_2_17_x86_64`) installs on the runtime.
 * Compressed tag sets (`py2.py3`, `manylinux_2_17_x86_64.manylinux2014_x86_64`) pass when any
 * member does, as pip decides.
 */
export function wheelTagCompatibility(tag: string, facts: RuntimeFacts, architecture: Architecture): TagCompatibility {
  const parts = tag.split('-');
  if (parts.length !== 3) return { compatible: false, reason: `'${tag}' is not a python-abi-platform wheel tag` };
  const [pythons, abis, platforms] = parts.map((part) => part.split('.'));
  const runtimeMinor = Number(facts.pythonVersion.split('.')[1]);
  const machine = PLATFORM_MACHINE[architecture];

  const pythonOk = pythons.some((python) => {
    if (python === 'py3') return true;
    const minor = pythonMinor(python);
    if (minor === undefined) return false;
    // py3X and cp3X-abi3 mean "3.X or newer"; an exact cp3X ABI is checked below.
    return minor <= runtimeMinor;
  });
  if (!pythonOk) {
    return { compatible: false, reason: `python tag '${pythons.join('.')}' does not include ${facts.abiTag}` };
  }
  const abiOk = abis.some((abi) => {
    if (abi === 'none') return true;
    if (abi === 'abi3') return pythons.some((python) => (pythonMinor(python) ?? 99) <= runtimeMinor);
    return abi === facts.abiTag;
  });
  if (!abiOk) {
    return { compatible: false, reason: `ABI tag '${abis.join('.')}' is not ${facts.abiTag}, abi3 or none: built for a different Python` };
  }
  const platformReasons: string[] = [];
  const platformOk = platforms.some((platform) => {
    if (platform === 'any') return true;
    const manylinux = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(platform);
    const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(platform);
    const linux = /^linux_(.+)$/.exec(platform);
    let glibc: string | undefined;
    let platformMachine: string;
    if (manylinux) {
      glibc = `${manylinux[1]}.${manylinux[2]}`;
      platformMachine = manylinux[3];
    } else if (legacy) {
      glibc = LEGACY_MANYLINUX[legacy[1]];
      platformMachine = legacy[2];
    } else if (linux) {
      // Built on some Linux (a local sdist build): the ELF rules judge its real needs.
      platformMachine = linux[1];
    } else {
      platformReasons.push(`platform '${platform}' is not a glibc Linux platform (Lambda runs ${facts.os})`);
      return false;
    }
    if (platformMachine !== machine) {
      platformReasons.push(`platform '${platform}' is for ${platformMachine}, the function runs ${architecture} (${machine})`);
      return false;
    }
    if (glibc && compareVersions(glibc, facts.glibc) > 0) {
      platformReasons.push(`platform '${platform}' needs glibc ${glibc}, ${facts.runtime} (${facts.os}) has ${facts.glibc}`);
      return false;
    }
    return true;
  });
  if (!platformOk) return { compatible: false, reason: platformReasons.join('; ') };
  return { compatible: true, reason: '' };
}

/** `pkg-1.0.dist-info/WHEEL` (any depth). */
export function isWheelMetadata(path: string): boolean {
  return /(?:^|\/)[^/]+\.dist-info\/WHEEL$/.test(path);
}

/** The `Tag:` lines of a WHEEL file (RFC 822 style headers). */
export function parseWheelTags(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => /^Tag:\s*(\S+)\s*$/i.exec(line)?.[1])
    .filter((tag): tag is string => tag !== undefined);
}
