/**
 * A small ELF reader: just what compatibility rules need, without readelf on the hot path.
 * It reads the header (class, byte order, machine), the section headers, and the GNU symbol
 * versioning sections: `.gnu.version_r` (Verneed/Vernaux: "libc.so.6 needs GLIBC_2.34") and
 * `.gnu.version_d` (Verdef: what a library such as libc.so.6 itself provides).
 * Layouts: the System V gABI and the LSB "Symbol Versioning" chapter.
 */

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;

/** `e_machine` names for the values users are likely to meet in a Lambda artifact. */
const MACHINE_NAMES: Readonly<Record<number, string>> = {
  3: 'i386',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 's390',
  40: 'ARM (32-bit)',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
};

const TYPE_NAMES: Readonly<Record<number, ElfInfo['typeName']>> = {
  1: 'relocatable',
  2: 'executable',
  3: 'shared object',
  4: 'core',
};

export interface ElfVersionNeed {
  /** The library the versions are needed from: `libc.so.6`. */
  readonly library: string;
  /** `GLIBC_2.14`, `GLIBC_2.2.5`, ... */
  readonly versions: readonly string[];
}

export interface ElfInfo {
  readonly elfClass: 32 | 64;
  readonly endianness: 'little' | 'big';
  readonly type: number;
  readonly typeName: 'relocatable' | 'executable' | 'shared object' | 'core' | 'other';
  /** `e_machine`: 62 = x86-64, 183 = AArch64. */
  readonly machine: number;
  readonly machineName: string;
  /** From `.gnu.version_r`; empty when the file has no versioned dependencies. */
  readonly versionNeeds: readonly ElfVersionNeed[];
  /** From `.gnu.version_d`: versions this file defines (`GLIBC_2.34` for libc.so.6). */
  readonly versionDefinitions: readonly string[];
  /** False for files stripped of section headers: their version needs are unknown. */
  readonly hasSectionHeaders: boolean;
}

export class ElfParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfParseError';
  }
}

/** True when the bytes start with `\x7fELF`. */
export function isElf(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.subarray(0, 4).equals(ELF_MAGIC);
}

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

interface Section {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
}

/** Bounds-checked reads in the file's byte order. */
class ElfBytes {
  constructor(
    private readonly buf: Buffer,
    private readonly little: boolean,
  ) {}

  private check(offset: number, width: number): void {
    if (offset < 0 || offset + width > this.buf.length) {
      throw new ElfParseError(`truncated: wanted ${width} bytes at offset ${offset}, file has ${this.buf.length}`);
    }
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.little ? this.buf.readUInt16LE(offset) : this.buf.readUInt16BE(offset);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.little ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset);
  }

  /** 64-bit offsets and sizes: any real artifact fits in a double's 53 bits. */
  u64(offset: number): number {
    this.check(offset, 8);
    const value = this.little ? this.buf.readBigUInt64LE(offset) : this.buf.readBigUInt64BE(offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfParseError(`offset ${value} at ${offset} is beyond any file`);
    return Number(value);
  }

  /** NUL-terminated string starting at `offset`, within `[start, end)`. */
  cstring(offset: number, start: number, end: number): string {
    if (offset < start || offset >= end) throw new ElfParseError(`string offset ${offset} outside its table`);
    this.check(offset, 1);
    const limit = Math.min(end, this.buf.length);
    let stop = offset;
    while (stop < limit && this.buf[stop] !== 0) stop += 1;
    return this.buf.toString('latin1', offset, stop);
  }
}

/** Parses an ELF file held in memory. Throws ElfParseError on malformed or truncated input. */
export function parseElf(buf: Buffer): ElfInfo {
  if (!isElf(buf)) throw new ElfParseError('not an ELF file (no \\x7fELF magic)');
  if (buf.length < 52) throw new ElfParseError(`truncated: ${buf.length} bytes is shorter than an ELF header`);
  const classByte = buf[4];
  const dataByte = buf[5];
  if (classByte !== 1 && classByte !== 2) throw new ElfParseError(`unknown ELF class ${classByte}`);
  if (dataByte !== 1 && dataByte !== 2) throw new ElfParseError(`unknown ELF data encoding ${dataByte}`);
  const is64 = classByte === 2;
  const r = new ElfBytes(buf, dataByte === 1);

  const type = r.u16(16);
  const machine = r.u16(18);
  const shoff = is64 ? r.u64(0x28) : r.u32(0x20);
  const shentsize = r.u16(is64 ? 0x3a : 0x2e);
  let shnum = r.u16(is64 ? 0x3c : 0x30);

  const sections: Section[] = [];
  if (shoff !== 0) {
    const readSection = (index: number): Section => {
      const at = shoff + index * shentsize;
      return is64
        ? { type: r.u32(at + 4), offset: r.u64(at + 24), size: r.u64(at + 32), link: r.u32(at + 40), info: r.u32(at + 44) }
        : { type: r.u32(at + 4), offset: r.u32(at + 16), size: r.u32(at + 20), link: r.u32(at + 24), info: r.u32(at + 28) };
    };
    // Extended numbering: with 0xff00 sections or more, section 0's size holds the count.
    if (shnum === 0) shnum = readSection(0).size;
    if (shentsize < (is64 ? 64 : 40)) throw new ElfParseError(`section header entry size ${shentsize} is too small`);
    for (let index = 0; index < shnum; index += 1) sections.push(readSection(index));
  }

  const stringTable = (section: Section): { start: number; end: number } => {
    const table = sections[section.link];
    if (!table) throw new ElfParseError(`version section links to missing string table ${section.link}`);
    return { start: table.offset, end: table.offset + table.size };
  };

  const versionNeeds: ElfVersionNeed[] = [];
  const versionDefinitions: string[] = [];
  for (const section of sections) {
    if (section.type === SHT_GNU_VERNEED) {
      const strings = stringTable(section);
      let at = section.offset;
      // sh_info is the entry count; bound the walk by it so a looping vn_next cannot hang us.
      for (let entry = 0; entry < section.info; entry += 1) {
        const count = r.u16(at + 2);
        const library = r.cstring(strings.start + r.u32(at + 4), strings.start, strings.end);
        const versions: string[] = [];
        let aux = at + r.u32(at + 8);
        for (let index = 0; index < count; index += 1) {
          versions.push(r.cstring(strings.start + r.u32(aux + 8), strings.start, strings.end));
          const next = r.u32(aux + 12);
          if (next === 0) break;
          aux += next;
        }
        versionNeeds.push({ library, versions });
        const next = r.u32(at + 12);
        if (next === 0) break;
        at += next;
      }
    } else if (section.type === SHT_GNU_VERDEF) {
      const strings = stringTable(section);
      let at = section.offset;
      for (let entry = 0; entry < section.info; entry += 1) {
        const flags = r.u16(at + 2);
        const auxCount = r.u16(at + 6);
        // VER_FLG_BASE (1) names the file itself (`libc.so.6`), not a version.
        if (auxCount > 0 && (flags & 1) === 0) {
          const aux = at + r.u32(at + 12);
          versionDefinitions.push(r.cstring(strings.start + r.u32(aux), strings.start, strings.end));
        }
        const next = r.u32(at + 16);
        if (next === 0) break;
        at += next;
      }
    }
  }

  return {
    elfClass: is64 ? 64 : 32,
    endianness: dataByte === 1 ? 'little' : 'big',
    type,
    typeName: TYPE_NAMES[type] ?? 'other',
    machine,
    machineName: machineName(machine),
    versionNeeds,
    versionDefinitions,
    hasSectionHeaders: sections.length > 0,
  };
}
