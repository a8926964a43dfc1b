/**
 * Reads a local image into an ArtifactView: its configuration from `docker image inspect`,
 * and its filesystem from `docker create` + `docker export` (a tar parsed in node). Only what
 * rules need is kept: ELF facts and WHEEL tags under the task root, /opt, /var/runtime and
 * site-packages, the system libc/libstdc++ (what the image itself provides), and all paths.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerEngineError, exportImageFilesystem, inspectImage } from '../docker/engine';
import { DEFAULT_MAX_ELF_BYTES, describeFile } from './file-facts';
import { isWheelMetadata, parseWheelTags } from './python-tags';
import { TarEntry, readTar } from './tar-reader';
import { ArtifactFile, ArtifactView, ImageConfigView, WheelRecord } from './types';

export interface ImageReadOptions {
  /** Read the filesystem too (docker export); false reads the configuration only. @default true */
  readonly filesystem?: boolean;
  /** ELF files bigger than this are listed but not parsed. @default 1 GiB */
  readonly maxElfBytes?: number;
  /** Where the exported tar is written while it is read. @default os.tmpdir() */
  readonly tmpDir?: string;
}

export class ImageReadError extends Error {
  constructor(reference: string, detail: string, fix: string) {
    super(`Could not read image '${reference}': ${detail}. ${fix}`);
    this.name = 'ImageReadError';
  }
}

const SYSTEM_LIBRARY_FILE = /^(libc\.so\.6|libc-2\.\d+\.so|libstdc\+\+\.so\.6(\.\d+)*)$/;

/** Whether a path's facts matter to the rules (keeps memory small on multi-GB images). */
export function inImageScope(filePath: string, codeRoot: string): boolean {
  return (
    filePath.startsWith(codeRoot) ||
    filePath.startsWith('opt/') ||
    filePath.startsWith('var/runtime/') ||
    filePath.includes('/site-packages/') ||
    filePath.includes('/dist-packages/') ||
    SYSTEM_LIBRARY_FILE.test(filePath.slice(filePath.lastIndexOf('/') + 1))
  );
}

interface InspectJson {
  Id: string;
  RepoDigests?: string[] | null;
  Size: number;
  Config?: {
    User?: string;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Env?: string[] | null;
    Labels?: Record<string, string> | null;
  };
}

/** `docker image inspect`, as the view's image facts. */
export async function readImageConfig(reference: string): Promise<ImageConfigView> {
  let parsed: InspectJson | undefined;
  try {
    parsed = (await inspectImage(reference)) as InspectJson | undefined;
  } catch (error) {
    if (!(error instanceof DockerEngineError)) throw error;
    throw new ImageReadError(reference, `docker image inspect failed: ${error.message}`, 'Check that the Docker engine is running.');
  }
  if (!parsed) {
    throw new ImageReadError(
      reference,
      `docker image inspect failed: No such image: ${reference}`,
      'Inspection reads local images only (no registry here): build it first, and check the name with `docker images`.',
    );
  }
  const config = parsed.Config ?? {};
  const env: Record<string, string> = {};
  for (const item of config.Env ?? []) {
    const equals = item.indexOf('=');
    if (equals > 0) env[item.slice(0, equals)] = item.slice(equals + 1);
  }
  return {
    reference,
    id: parsed.Id,
    user: config.User ?? '',
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    workingDir: config.WorkingDir ?? '',
    env,
    labels: config.Labels ?? {},
    repoDigests: parsed.RepoDigests ?? [],
    sizeBytes: parsed.Size,
  };
}

/** Where the handler's module lives in the image: `var/task/` unless LAMBDA_TASK_ROOT says otherwise. */
export function codeRootOf(image: ImageConfigView): string {
  return `${(image.env.LAMBDA_TASK_ROOT ?? '/var/task').replace(/^\/+|\/+$/g, '')}/`;
}

/** Reads an image's configuration and (by default) its filesystem into a view. */
export async function readImageView(reference: string, options: ImageReadOptions = {}): Promise<ArtifactView> {
  const image = await readImageConfig(reference);
  const codeRoot = codeRootOf(image);
  if (options.filesystem === false) {
    return { kind: 'image', source: reference, files: [], codeRoot, wheels: [], unzippedBytes: image.sizeBytes, image };
  }
  const tarPath = path.join(options.tmpDir ?? os.tmpdir(), `inspect-${randomUUID()}.tar`);
  try {
    await exportImageFilesystem(reference, tarPath);
    return await readExportedFilesystem(tarPath, image, codeRoot, options.maxElfBytes ?? DEFAULT_MAX_ELF_BYTES);
  } finally {
    fs.rmSync(tarPath, { force: true });
  }
}

async function readExportedFilesystem(
  tarPath: string,
  image: ImageConfigView,
  codeRoot: string,
  maxElfBytes: number,
): Promise<ArtifactView> {
  const files: ArtifactFile[] = [];
  const byPath = new Map<string, ArtifactFile>();
  const hardlinks: TarEntry[] = [];
  const wheels: WheelRecord[] = [];
  const allPaths = new Set<string>();
  const symlinks = new Map<string, string>();
  let unzippedBytes = 0;
  await readTar(
    fs.createReadStream(tarPath, { highWaterMark: 1024 * 1024 }),
    {
      want(entry) {
        if (entry.type !== 'file' || !inImageScope(entry.path, codeRoot)) return 'skip';
        return isWheelMetadata(entry.path) ? 'all' : 'sniff-elf';
      },
      done(entry, data) {
        if (entry.path === '') return;
        allPaths.add(entry.path);
        if (entry.type === 'symlink') symlinks.set(entry.path, entry.linkTarget);
        if (entry.type === 'hardlink') hardlinks.push(entry);
        if (entry.type !== 'file') return;
        unzippedBytes += entry.size;
        if (!inImageScope(entry.path, codeRoot)) return;
        let file: ArtifactFile;
        if (data === 'too-large') {
          file = { path: entry.path, size: entry.size, elfError: `ELF file of ${entry.size} bytes is over the ${maxElfBytes}-byte reading limit` };
        } else if (isWheelMetadata(entry.path)) {
          if (data) wheels.push({ path: entry.path, tags: parseWheelTags(data.toString('utf8')) });
          file = { path: entry.path, size: entry.size };
        } else {
          file = describeFile(entry.path, entry.size, data);
        }
        files.push(file);
        byPath.set(entry.path, file);
      },
    },
    { maxKeepBytes: maxElfBytes },
  );
  // A hard link shares its target's bytes: same facts under another name.
  for (const link of hardlinks) {
    const target = byPath.get(link.linkTarget.replace(/^(\.\/|\/)+/, ''));
    if (target && inImageScope(link.path, codeRoot)) files.push({ ...target, path: link.path });
  }
  return { kind: 'image', source: image.reference, files, codeRoot, wheels, unzippedBytes, image, allPaths, symlinks };
}
