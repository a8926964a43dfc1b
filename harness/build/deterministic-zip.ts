/**
 * Byte-identical ZIPs for identical trees: entries sorted by path (byte order), every timestamp
 * 1980-01-01 00:00 (DOS epoch), modes fixed (0644 files, 0755 directories and executables), no
 * extended-timestamp extra fields, one fixed compression level. What is verified is what deploys.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { compareBytes, walkDirectory } from './directory-walk';
import { SourceFile } from './source-files';

/**
 * The DOS epoch in LOCAL time: yazl converts with local-time getters, so a local-time
 * constructor yields 1980-01-01 00:00 in the archive whatever the machine's time zone.
 */
export const FIXED_ZIP_DATE = new Date(1980, 0, 1, 0, 0, 0);
export const FILE_MODE = 0o100644;
export const EXECUTABLE_MODE = 0o100755;
export const DIRECTORY_MODE = 0o040755;
export const COMPRESSION_LEVEL = 6;

export interface ZipEntryPlan {
  /** POSIX path inside the archive; directories end with `/`. */
  readonly name: string;
  readonly kind: 'file' | 'directory';
  readonly absolutePath?: string;
  /** The file's bytes when they are in memory rather than at `absolutePath`. */
  readonly content?: Buffer;
  readonly executable?: boolean;
}

export interface ZipResult {
  readonly zipPath: string;
  /** sha256 (hex) of the archive bytes. */
  readonly sha256: string;
  readonly bytes: number;
  readonly entries: number;
}

/** Every file and directory under `rootDir`, sorted, as archive entries (symlinks followed). */
export function planTree(rootDir: string): ZipEntryPlan[] {
  return walkDirectory(rootDir).map((entry): ZipEntryPlan =>
    entry.kind === 'directory'
      ? { name: `${entry.relativePath}/`, kind: 'directory' }
      : { name: entry.relativePath, kind: 'file', absolutePath: entry.absolutePath, executable: entry.executable },
  ).sort((a, b) => compareBytes(a.name, b.name));
}

/** The directory entries (`a/`, `a/b/`) above archive paths, each once. */
function parentDirectories(names: Iterable<string>): ZipEntryPlan[] {
  const directories = new Set<string>();
  for (const name of names) {
    const parts = name.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) directories.add(`${parts.slice(0, depth).join('/')}/`);
  }
  return [...directories].map((name) => ({ name, kind: 'directory' }));
}

/**
 * In-memory files as archive entries, with their parent directories, sorted: the same entries
 * `planTree` gives for those files written to disk. `executable` says which files get 0755.
 */
export function planFiles(files: ReadonlyMap<string, Buffer>, executable: (name: string) => boolean = () => false): ZipEntryPlan[] {
  const plan: ZipEntryPlan[] = [...files].map(([name, content]) => ({ name, kind: 'file', content, executable: executable(name) }));
  plan.push(...parentDirectories(files.keys()));
  return plan.sort((a, b) => compareBytes(a.name, b.name));
}

/**
 * A function's sources laid over its dependency set, as `pip install --target` into the source
 * directory would leave them: pip skips a top-level name that already exists, so the sources win
 * over a dependency entry of the same top-level name. Directories come from the files' parents.
 */
export function planSourcesOverDependencies(sources: readonly SourceFile[], dependencyDir?: string): ZipEntryPlan[] {
  const plan: ZipEntryPlan[] = sources.map((file) => ({ name: file.relativePath, kind: 'file', absolutePath: file.absolutePath, executable: file.executable }));
  plan.push(...parentDirectories(sources.map((file) => file.relativePath)));
  if (dependencyDir) {
    const topLevel = new Set(sources.map((file) => file.relativePath.split('/')[0]));
    plan.push(...planTree(dependencyDir).filter((entry) => !topLevel.has(entry.name.split('/')[0])));
  }
  return plan.sort((a, b) => compareBytes(a.name, b.name));
}

/** Zips the tree under `rootDir` into `zipPath` deterministically (written to a temp file, then renamed). */
export function createDeterministicZip(rootDir: string, zipPath: string): Promise<ZipResult> {
  return writeZipFromPlan(planTree(rootDir), zipPath);
}

/**
 * Zips in-memory files (archive path -> bytes) into `zipPath`: the same bytes `createDeterministicZip`
 * makes of those files in a tree, without writing the tree (test fixtures built from wheels).
 */
export function createDeterministicZipOfFiles(
  files: ReadonlyMap<string, Buffer>,
  zipPath: string,
  executable?: (name: string) => boolean,
): Promise<ZipResult> {
  return writeZipFromPlan(planFiles(files, executable), zipPath);
}

/** Writes the planned entries (sorted by the caller) into `zipPath` deterministically. */
export async function writeZipFromPlan(plan: readonly ZipEntryPlan[], zipPath: string): Promise<ZipResult> {
  const zip = new yazl.ZipFile();
  for (const entry of plan) {
    if (entry.kind === 'directory') {
      zip.addEmptyDirectory(entry.name, { mtime: FIXED_ZIP_DATE, mode: DIRECTORY_MODE, forceDosTimestamp: true });
    } else {
      zip.addBuffer(entry.content ?? fs.readFileSync(entry.absolutePath as string), entry.name, {
        mtime: FIXED_ZIP_DATE,
        mode: entry.executable ? EXECUTABLE_MODE : FILE_MODE,
        forceDosTimestamp: true,
        compressionLevel: COMPRESSION_LEVEL,
      });
    }
  }
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  const temporary = `${zipPath}.${process.pid}.tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(temporary);
    zip.outputStream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    zip.outputStream.on('error', reject);
    out.on('error', reject);
    out.on('close', () => resolve());
    zip.outputStream.pipe(out);
    zip.end();
  });
  fs.renameSync(temporary, zipPath);
  return { zipPath, sha256: hash.digest('hex'), bytes, entries: plan.length };
}

/**
 * Writes the planned entries as a directory tree, with the modes the archive gives them: the same
 * tree extracting `writeZipFromPlan`'s archive yields, without inflating it again.
 */
export function writeTreeFromPlan(plan: readonly ZipEntryPlan[], targetDir: string): void {
  fs.mkdirSync(targetDir, { recursive: true, mode: 0o755 });
  for (const entry of plan) {
    const destination = path.join(targetDir, ...entry.name.split('/').filter(Boolean));
    if (entry.kind === 'directory') {
      fs.mkdirSync(destination, { recursive: true, mode: 0o755 });
      continue;
    }
    fs.mkdirSync(path.dirname(destination), { recursive: true, mode: 0o755 });
    if (entry.content) fs.writeFileSync(destination, entry.content);
    else fs.copyFileSync(entry.absolutePath as string, destination);
    fs.chmodSync(destination, (entry.executable ? EXECUTABLE_MODE : FILE_MODE) & 0o777);
  }
}

/** sha256 (hex) and size of a file. */
export function fileDigest(filePath: string): { sha256: string; bytes: number } {
  const data = fs.readFileSync(filePath);
  return { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}

export interface ZipEntryInfo {
  readonly name: string;
  /** Unix mode from the external attributes, e.g. 0o100644. */
  readonly mode: number;
  readonly dosDate: number;
  readonly dosTime: number;
  readonly extraFieldLength: number;
  readonly isDirectory: boolean;
}

/** Lists an archive's entries in stored order, with the metadata determinism depends on. */
export function readZipEntries(zipPath: string): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (error, zipfile) => {
      if (error || !zipfile) return reject(error ?? new Error(`Cannot open ${zipPath}`));
      const entries: ZipEntryInfo[] = [];
      zipfile.on('entry', (entry: yauzl.Entry) => {
        entries.push({
          name: entry.fileName,
          mode: (entry.externalFileAttributes >>> 16) & 0xffff,
          dosDate: entry.lastModFileDate,
          dosTime: entry.lastModFileTime,
          extraFieldLength: entry.extraFields.reduce((sum, field) => sum + 4 + field.data.length, 0),
          isDirectory: entry.fileName.endsWith('/'),
        });
        zipfile.readEntry();
      });
      zipfile.on('end', () => resolve(entries));
      zipfile.on('error', reject);
      zipfile.readEntry();
    });
  });
}

/**
 * Extracts an archive into `targetDir` (which must not exist), with the archive's modes, so
 * the directory mounted at /var/task is exactly what the ZIP holds. Rejects unsafe paths.
 */
export function extractZip(zipPath: string, targetDir: string): Promise<void> {
  fs.mkdirSync(targetDir, { recursive: true });
  const root = path.resolve(targetDir);
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (error, zipfile) => {
      if (error || !zipfile) return reject(error ?? new Error(`Cannot open ${zipPath}`));
      zipfile.on('entry', (entry: yauzl.Entry) => {
        const destination = path.resolve(root, entry.fileName);
        if (destination !== root && !destination.startsWith(`${root}${path.sep}`)) {
          zipfile.close();
          return reject(new Error(`Refusing to extract '${entry.fileName}' from ${zipPath}: it points outside ${targetDir}.`));
        }
        const mode = ((entry.externalFileAttributes >>> 16) & 0o777) || 0o644;
        if (entry.fileName.endsWith('/')) {
          fs.mkdirSync(destination, { recursive: true, mode: 0o755 });
          zipfile.readEntry();
          return;
        }
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        zipfile.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error(`Cannot read ${entry.fileName}`));
          const out = fs.createWriteStream(destination, { mode });
          stream.on('error', reject);
          out.on('error', reject);
          out.on('close', () => {
            fs.chmodSync(destination, mode);
            zipfile.readEntry();
          });
          stream.pipe(out);
        });
      });
      zipfile.on('end', () => resolve());
      zipfile.on('error', reject);
      zipfile.readEntry();
    });
  });
}
