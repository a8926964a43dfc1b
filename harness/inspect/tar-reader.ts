/**
 * A minimal streaming tar reader (POSIX ustar, GNU long names, pax path/linkpath/size), enough
 * for `docker export` output. The visitor decides per entry whether to skip its data, keep it
 * only if it starts with the ELF magic, or keep all of it; nothing else is held in memory.
 */
import { Readable } from 'node:stream';
import { ELF_MAGIC } from './elf-reader';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface TarEntry {
  /** Path without a leading `./` or `/`, and without a trailing `/`. */
  readonly path: string;
  readonly type: TarEntryType;
  readonly size: number;
  /** Target of a symbolic or hard link (hard links name another entry's path). */
  readonly linkTarget: string;
}

/** `skip`: data not needed; `sniff-elf`: keep the data only when it starts with \x7fELF; `all`: keep it. */
export type TarWant = 'skip' | 'sniff-elf' | 'all';

export interface TarVisitor {
  want(entry: TarEntry): TarWant;
  /** `data` is the entry's content when kept, undefined when skipped or not an ELF file, 'too-large' over the limit. */
  done(entry: TarEntry, data: Buffer | undefined | 'too-large'): void;
}

export interface TarReadOptions {
  /** Entries kept by `sniff-elf` bigger than this are reported 'too-large'. @default 1 GiB */
  readonly maxKeepBytes?: number;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(`Malformed tar stream: ${message}`);
    this.name = 'TarFormatError';
  }
}

const BLOCK = 512;

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? length : end);
}

/** Octal, or GNU base-256 when the high bit of the first byte is set (files over 8 GiB). */
function numeric(block: Buffer, start: number, length: number): number {
  if (block[start] & 0x80) {
    let value = 0;
    for (let index = start + 1; index < start + length; index += 1) value = value * 256 + block[index];
    return value;
  }
  const text = cString(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function entryType(flag: string): TarEntryType {
  if (flag === '0' || flag === '\0' || flag === '' || flag === '7') return 'file';
  if (flag === '1') return 'hardlink';
  if (flag === '2') return 'symlink';
  if (flag === '5') return 'directory';
  return 'other';
}

function normalise(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** pax extended header records: `LEN key=value\n` ... */
function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.toString('utf8', at, space), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

/** Reads a tar stream to its end, calling the visitor for every entry. */
export async function readTar(stream: Readable, visitor: TarVisitor, options: TarReadOptions = {}): Promise<void> {
  const maxKeep = options.maxKeepBytes ?? 1024 * 1024 * 1024;
  let pending: Buffer = Buffer.alloc(0);
  // State of the entry whose data is being read.
  let current:
    | {
        entry: TarEntry;
        want: TarWant;
        remaining: number;
        padding: number;
        chunks: Buffer[];
        /** Bytes kept so far; -1 once an ELF file proved bigger than the limit. */
        kept: number;
        /** For sniff-elf: whether the first bytes have been seen. */
        decided: boolean;
        /** GNU long name/link, pax header, pax global header: metadata for the next entry. */
        meta?: 'L' | 'K' | 'x' | 'g';
      }
    | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let ended = false;

  const finishEntry = (): void => {
    const state = current!;
    current = undefined;
    if (state.meta === 'g') return;
    if (state.meta) {
      const data = Buffer.concat(state.chunks);
      if (state.meta === 'L') longName = cString(data, 0, data.length);
      else if (state.meta === 'K') longLink = cString(data, 0, data.length);
      else pax = parsePax(data);
      return;
    }
    if (state.want === 'skip' || !state.decided) return visitor.done(state.entry, undefined);
    if (state.kept < 0) return visitor.done(state.entry, 'too-large');
    visitor.done(state.entry, state.chunks.length > 0 ? Buffer.concat(state.chunks) : undefined);
  };

  const startEntry = (header: Buffer): void => {
    const flag = String.fromCharCode(header[156]);
    const prefix = header.toString('latin1', 257, 262) === 'ustar' ? cString(header, 345, 155) : '';
    const rawName = prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100);
    let size = numeric(header, 124, 12);
    if (flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g') {
      current = {
        entry: { path: rawName, type: 'other', size, linkTarget: '' },
        want: flag === 'g' ? 'skip' : 'all',
        remaining: size,
        padding: (BLOCK - (size % BLOCK)) % BLOCK,
        chunks: [],
        kept: 0,
        decided: true,
        meta: flag,
      };
      return;
    }
    if (pax.size) size = Number(pax.size);
    const entry: TarEntry = {
      path: normalise(longName ?? pax.path ?? rawName),
      type: entryType(flag),
      size,
      linkTarget: longLink ?? pax.linkpath ?? cString(header, 157, 100),
    };
    longName = undefined;
    longLink = undefined;
    pax = {};
    const dataSize = entry.type === 'file' || entry.type === 'other' ? size : 0;
    const want = dataSize === 0 ? 'skip' : visitor.want(entry);
    current = { entry, want, remaining: dataSize, padding: (BLOCK - (dataSize % BLOCK)) % BLOCK, chunks: [], kept: 0, decided: want !== 'sniff-elf' };
    if (dataSize === 0) finishEntry();
  };

  const consumeData = (chunk: Buffer): void => {
    const state = current!;
    if (state.want === 'skip' || state.kept < 0) return;
    state.chunks.push(chunk);
    state.kept += chunk.length;
    if (!state.decided && state.kept >= ELF_MAGIC.length) {
      state.decided = true;
      const head = Buffer.concat(state.chunks).subarray(0, ELF_MAGIC.length);
      if (!head.equals(ELF_MAGIC)) {
        state.chunks = [];
        state.kept = 0;
        state.want = 'skip';
      } else if (state.entry.size > maxKeep) {
        state.chunks = [];
        state.kept = -1;
      }
    }
  };

  for await (const chunk of stream) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let offset = 0;
    while (!ended) {
      if (current && current.remaining > 0) {
        const take = Math.min(current.remaining, pending.length - offset);
        if (take === 0) break;
        consumeData(pending.subarray(offset, offset + take));
        current.remaining -= take;
        offset += take;
        continue;
      }
      if (current && current.padding > 0) {
        const take = Math.min(current.padding, pending.length - offset);
        if (take === 0) break;
        current.padding -= take;
        offset += take;
        continue;
      }
      if (current) {
        finishEntry();
        continue;
      }
      if (pending.length - offset < BLOCK) break;
      const header = pending.subarray(offset, offset + BLOCK);
      offset += BLOCK;
      if (header.every((byte) => byte === 0)) {
        ended = true;
        break;
      }
      startEntry(header);
    }
    // Copy the unread tail so the big chunk it came from can be freed.
    pending = Buffer.from(pending.subarray(offset));
    if (ended) break;
  }
  if (!ended && pending.some((byte) => byte !== 0)) {
    throw new TarFormatError(`stream ended inside an entry header (${pending.length} of ${BLOCK} bytes); the export was cut short`);
  }
  if (current) {
    if (current.remaining > 0) throw new TarFormatError(`stream ended inside '${current.entry.path}' (${current.remaining} bytes missing)`);
    finishEntry();
  }
}
