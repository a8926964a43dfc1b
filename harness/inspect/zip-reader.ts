/**
 * Reads a ZIP into an ArtifactView: every entry with its sizes, ELF facts for entries whose
 * first bytes are the ELF magic (whatever their name), and the tags of `.dist-info/WHEEL` files.
 * Only ELF files and WHEEL files are inflated completely; for the rest, the first chunk.
 */
import * as fs from 'node:fs';
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

/**
 * Reads an entry's content when it is an ELF file or `wantAll`; otherwise stops after the
 * first chunk shows it is not. Resolves undefined for non-ELF entries.
 */
function readIfElf(zip: yauzl.ZipFile, entry: yauzl.Entry, wantAll: boolean, maxElfBytes: number): Promise<Buffer | undefined | 'too-large'> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return reject(error ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let length = 0;
      let decided = wantAll;
      let settled = false;
      const settle = (value: Buffer | undefined | 'too-large'): void => {
        if (settled) return;
        settled = true;
        resolve(value);
      };
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (!decided && length >= ELF_MAGIC.length) {
          decided = true;
          const head = Buffer.concat(chunks).subarray(0, ELF_MAGIC.length);
          if (!head.equals(ELF_MAGIC)) {
            stream.destroy();
            return settle(undefined);
          }
          if (entry.uncompressedSize > maxElfBytes) {
            stream.destroy();
            return settle('too-large');
          }
        }
      });
      stream.on('end', () => settle(Buffer.concat(chunks)));
      stream.on('error', (streamError) => (settled ? undefined : reject(streamError)));
    });
  });
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
      const content = await readIfElf(zip, entry, wheel, maxElfBytes);
      if (content === 'too-large') {
        files.push({ path, size: entry.uncompressedSize, elfError: `ELF file of ${entry.uncompressedSize} bytes is over the ${maxElfBytes}-byte reading limit` });
        continue;
      }
      if (wheel && content) wheels.push({ path, tags: parseWheelTags(content.toString('utf8')) });
      files.push(describeFile(path, entry.uncompressedSize, content));
    }
    return { kind: 'zip', source: zipPath, files, codeRoot: '', wheels, zippedBytes: stat.size, unzippedBytes };
  } finally {
    zip.close();
  }
}
