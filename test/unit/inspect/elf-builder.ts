/**
 * Builds small, valid ELF files in memory for unit tests: a header, `.dynstr`,
 * `.gnu.version_r` (needs), `.gnu.version_d` (definitions) and `.shstrtab`, in either class and
 * byte order. Made by the tests from a description, never hand-edited bytes.
 */
export interface ElfBuildSpec {
  /** @default 64 */
  readonly elfClass?: 32 | 64;
  /** @default 'little' */
  readonly endianness?: 'little' | 'big';
  /** @default 62 (x86-64) */
  readonly machine?: number;
  /** @default 3 (shared object) */
  readonly type?: number;
  /** @default [] */
  readonly needs?: readonly { readonly library: string; readonly versions: readonly string[] }[];
  /** Versions this file defines; the file's own name is added as the base entry. @default [] */
  readonly defines?: readonly string[];
  /** Omit section headers entirely (like sstrip). @default false */
  readonly noSections?: boolean;
}

const SHT_STRTAB = 3;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;

class Writer {
  readonly chunks: Buffer[] = [];
  length = 0;
  constructor(private readonly little: boolean) {}
  private push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  bytes(buf: Buffer): void {
    this.push(buf);
  }
  u8(value: number): void {
    this.push(Buffer.from([value]));
  }
  u16(value: number): void {
    const buf = Buffer.alloc(2);
    if (this.little) buf.writeUInt16LE(value);
    else buf.writeUInt16BE(value);
    this.push(buf);
  }
  u32(value: number): void {
    const buf = Buffer.alloc(4);
    if (this.little) buf.writeUInt32LE(value);
    else buf.writeUInt32BE(value);
    this.push(buf);
  }
  u64(value: number): void {
    const buf = Buffer.alloc(8);
    if (this.little) buf.writeBigUInt64LE(BigInt(value));
    else buf.writeBigUInt64BE(BigInt(value));
    this.push(buf);
  }
  word(is64: boolean, value: number): void {
    if (is64) this.u64(value);
    else this.u32(value);
  }
  done(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class StringTable {
  private readonly parts: Buffer[] = [Buffer.from([0])];
  private size = 1;
  private readonly offsets = new Map<string, number>();
  add(text: string): number {
    const known = this.offsets.get(text);
    if (known !== undefined) return known;
    const offset = this.size;
    this.parts.push(Buffer.from(`${text}\0`, 'latin1'));
    this.size += text.length + 1;
    this.offsets.set(text, offset);
    return offset;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function buildElf(spec: ElfBuildSpec = {}): Buffer {
  const is64 = (spec.elfClass ?? 64) === 64;
  const little = (spec.endianness ?? 'little') === 'little';
  const needs = spec.needs ?? [];
  const defines = spec.defines ?? [];

  const dynstr = new StringTable();
  // .gnu.version_r: Verneed (16 bytes) followed by its Vernaux entries (16 bytes each).
  const verneed = new Writer(little);
  needs.forEach((need, index) => {
    verneed.u16(1);
    verneed.u16(need.versions.length);
    verneed.u32(dynstr.add(need.library));
    verneed.u32(16);
    const size = 16 + need.versions.length * 16;
    verneed.u32(index === needs.length - 1 ? 0 : size);
    need.versions.forEach((version, auxIndex) => {
      verneed.u32(0);
      verneed.u16(0);
      verneed.u16(2 + auxIndex);
      verneed.u32(dynstr.add(version));
      verneed.u32(auxIndex === need.versions.length - 1 ? 0 : 16);
    });
  });
  // .gnu.version_d: Verdef (20 bytes) + one Verdaux (8 bytes); the first is the base (file name).
  const verdef = new Writer(little);
  const definitions = defines.length > 0 ? ['libtest.so.1', ...defines] : [];
  definitions.forEach((name, index) => {
    verdef.u16(1);
    verdef.u16(index === 0 ? 1 : 0);
    verdef.u16(index + 1);
    verdef.u16(1);
    verdef.u32(0);
    verdef.u32(20);
    verdef.u32(index === definitions.length - 1 ? 0 : 28);
    verdef.u32(dynstr.add(name));
    verdef.u32(0);
  });

  const shstrtab = new StringTable();
  const names = ['.dynstr', '.gnu.version_r', '.gnu.version_d', '.shstrtab'].map((name) => shstrtab.add(name));
  const headerSize = is64 ? 64 : 52;
  const dynstrBytes = dynstr.bytes();
  const verneedBytes = verneed.done();
  const verdefBytes = verdef.done();
  const shstrBytes = shstrtab.bytes();
  const offsets: number[] = [];
  let at = headerSize;
  for (const part of [dynstrBytes, verneedBytes, verdefBytes, shstrBytes]) {
    offsets.push(at);
    at += part.length;
  }
  const shoff = spec.noSections ? 0 : at;
  const shentsize = is64 ? 64 : 40;

  const out = new Writer(little);
  out.bytes(Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  out.u16(spec.type ?? 3);
  out.u16(spec.machine ?? 62);
  out.u32(1);
  out.word(is64, 0); // e_entry
  out.word(is64, 0); // e_phoff
  out.word(is64, shoff);
  out.u32(0); // e_flags
  out.u16(headerSize);
  out.u16(is64 ? 56 : 32);
  out.u16(0);
  out.u16(shentsize);
  out.u16(spec.noSections ? 0 : 5);
  out.u16(spec.noSections ? 0 : 4);
  for (const part of [dynstrBytes, verneedBytes, verdefBytes, shstrBytes]) out.bytes(part);
  if (!spec.noSections) {
    const sections = [
      { name: 0, type: 0, offset: 0, size: 0, link: 0, info: 0 },
      { name: names[0], type: SHT_STRTAB, offset: offsets[0], size: dynstrBytes.length, link: 0, info: 0 },
      { name: names[1], type: SHT_GNU_VERNEED, offset: offsets[1], size: verneedBytes.length, link: 1, info: needs.length },
      { name: names[2], type: SHT_GNU_VERDEF, offset: offsets[2], size: verdefBytes.length, link: 1, info: definitions.length },
      { name: names[3], type: SHT_STRTAB, offset: offsets[3], size: shstrBytes.length, link: 0, info: 0 },
    ];
    for (const section of sections) {
      out.u32(section.name);
      out.u32(section.type);
      out.word(is64, 0); // flags
      out.word(is64, 0); // addr
      out.word(is64, section.offset);
      out.word(is64, section.size);
      out.u32(section.link);
      out.u32(section.info);
      out.word(is64, 1); // addralign
      out.word(is64, 0); // entsize
    }
  }
  return out.done();
}
