/**
 * Reads a ZIP into an ArtifactView: every entry with its sizes, ELF facts for entries whose
 * first bytes are the ELF magic (whatever their name), and the tags of `.dist-info/WHEEL` files.
 * yauzl reads the central directory; entry data is read in place: ELF and WHEEL files are
 * inflated completely, the rest only far enough to see their first bytes.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import * as yauzl from 'yauzl';
import { ELF_MAGIC } from './elf-reader';
import { DEFAULT_MAX_ELF_BYTES, describeFile } from './file-facts';
import { isWheelMetadata, parseWheelTags } from './python-tags';
import { ArtifactFile, ArtifactView, WheelRecord } from './types';

export interface ZipReadOptions {
  /** ELF entries bigger than this are listed but not parsed. @default 1 GiB */
  readonly maxElfBytes?: number;
}

export class ZipReadError extends Error {
  constructor(zipPath: string, cause: string) {
    super(
      `Could not read ${zipPath} as a ZIP archive: ${cause}. ` +
        'Check that the path is a complete .zip file (a Lambda deployment package), not a directory or a partial download.',
    );
    this.name = 'ZipReadError';
  }
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: true }, (error, zip) => {
      if (error || !zip) reject(new ZipReadError(zipPath, error?.message ?? 'unknown error'));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Positional reads on the open archive: the central directory says where every entry is. */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const read = fs.readSync(fd, buf, 0, length, offset);
  return read === length ? buf : buf.subarray(0, read);
}

const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
/** Enough compressed input to inflate the first bytes, past a dynamic Huffman block header. */
const SNIFF_BYTES = 2048;

/**
 * Reads an entry's content when it is an ELF file or `wantAll`, straight from the archive
 * bytes: for the rest, only a short prefix is inflated to see the magic. Much cheaper than a
 * read stream per entry (botocore alone is thousands of entries).
 */
function readIfElf(fd: number, entry: yauzl.Entry, wantAll: boolean, maxElfBytes: number): Buffer | undefined | 'too-large' | 'unreadable' {
  if ((entry.generalPurposeBitFlag & 0x1) !== 0) return 'unreadable'; // encrypted
  if (entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED) return 'unreadable';
  const local = readAt(fd, entry.relativeOffsetOfLocalHeader, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) return 'unreadable';
  const dataStart = entry.relativeOffsetOfLocalHeader + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const inflate = (compressed: Buffer, whole: boolean): Buffer =>
    entry.compressionMethod === METHOD_STORED
      ? compressed
      : zlib.inflateRawSync(compressed, whole ? {} : { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (!wantAll) {
    const prefix = inflate(readAt(fd, dataStart, Math.min(entry.compressedSize, SNIFF_BYTES)), false);
    if (prefix.length < ELF_MAGIC.length || !prefix.subarray(0, ELF_MAGIC.length).equals(ELF_MAGIC)) return undefined;
    if (entry.uncompressedSize > maxElfBytes) return 'too-large';
  }
  return inflate(readAt(fd, dataStart, entry.compressedSize), true);
}

/** Reads a Lambda ZIP into a view. Throws ZipReadError when the file is not a readable ZIP. */
export async function readZipView(zipPath: string, options: ZipReadOptions = {}): Promise<ArtifactView> {
  const maxElfBytes = options.maxElfBytes ?? DEFAULT_MAX_ELF_BYTES;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(zipPath);
  } catch {
    throw new ZipReadError(zipPath, 'no such file');
  }
  if (!stat.isFile()) throw new ZipReadError(zipPath, 'it is not a regular file');
  const zip = await openZip(zipPath);
  const fd = fs.openSync(zipPath, 'r');
  try {
    const entries = await listEntries(zip);
    const files: ArtifactFile[] = [];
    const wheels: WheelRecord[] = [];
    let unzippedBytes = 0;
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue;
      const path = entry.fileName.replace(/^\.\//, '');
      unzippedBytes += entry.uncompressedSize;
      const wheel = isWheelMetadata(path);
      // An ELF header is 52 bytes at least: smaller entries cannot be one.
      if (entry.uncompressedSize < 52 && !wheel) {
        files.push({ path, size: entry.uncompressedSize });
        continue;
      }
      let content: ReturnType<typeof readIfElf>;
      try {
        content = readIfElf(fd, entry, wheel, maxElfBytes);
      } catch {
        content = 'unreadable';
      }
      if (content === 'unreadable') {
        // Not decodable here (encrypted, unusual compression, corrupt data): listed with its size only.
        files.push({ path, size: entry.uncompressedSize });
        continue;
      }
      if (content === 'too-large') {
        files.push({ path, size: entry.uncompressedSize, elfError: `ELF file of ${entry.uncompressedSize} bytes is over the ${maxElfBytes}-byte reading limit` });
        continue;
      }
      if (wheel && content) wheels.push({ path, tags: parseWheelTags(content.toString('utf8')) });
      files.push(describeFile(path, entry.uncompressedSize, content));
    }
    return { kind: 'zip', source: zipPath, files, codeRoot: '', wheels, zippedBytes: stat.size, unzippedBytes };
  } finally {
    fs.closeSync(fd);
    zip.close();
  }
}
