/**
 * An image's filesystem read layer by layer, so that a layer seen before is never read again:
 * each layer's facts (the files in inspection's scope with their ELF facts, WHEEL tags, every
 * path, symlinks, sizes, whiteouts) are cached by the layer's digest (its diff id, the sha256 of
 * its content), and the image's view is the merge of its layers' facts, bottom to top.
 *
 * Reading a layer needs its content without the others. The Docker Engine API has no call for
 * that (`docker save` and `docker export` stream every layer), so on a local engine with the
 * overlay2 storage driver the layer's own directory (`GraphDriver.Data`, the `diff` directory of
 * each layer) is read from the host filesystem. Where it cannot be (a remote engine, another
 * driver, no permission), `layerSource` says why and the caller reads the whole filesystem.
 * Known gap: an overlay "opaque" directory (a layer that replaced a whole directory) is marked
 * by an extended attribute node cannot read; its lower layers' files stay in the merged view.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KeyedCache } from '../build/keyed-cache';
import { inspectImage } from '../docker/engine';
import { ELF_MAGIC } from './elf-reader';
import { DEFAULT_MAX_ELF_BYTES, describeFile } from './file-facts';
import { codeRootOf, inImageScope, readImageConfig } from './image-reader';
import { isWheelMetadata, parseWheelTags } from './python-tags';
import { ArtifactFile, ArtifactView, ImageConfigView, WheelRecord } from './types';

/** Bump when what a layer's facts hold changes, so older cached facts stop matching. */
export const LAYER_FACTS_VERSION = 1;

/** What one layer contributes to the image's filesystem. Paths have no leading `/`. */
export interface LayerFacts {
  readonly files: readonly ArtifactFile[];
  readonly wheels: readonly WheelRecord[];
  /** Every path the layer adds or replaces (files, directories, links). */
  readonly paths: readonly string[];
  readonly symlinks: readonly (readonly [string, string])[];
  /** Regular files' sizes (a hard-linked file counted once). */
  readonly sizes: Readonly<Record<string, number>>;
  /** Paths the layer deletes from the layers below (overlay whiteouts). */
  readonly whiteouts: readonly string[];
}

export interface ImageLayer {
  /** `sha256:...` diff id: the digest of the layer's uncompressed content. */
  readonly digest: string;
  /** The layer's directory on this host. */
  readonly dir: string;
}

export type LayerSource =
  | { readonly readable: true; readonly layers: readonly ImageLayer[] }
  | { readonly readable: false; readonly digests: readonly string[]; readonly reason: string };

/** The image's layer digests (diff ids), bottom first: what its filesystem is made of. */
export async function layerDigests(reference: string): Promise<string[]> {
  const info = await inspectImage(reference);
  if (!info) throw new Error(`Could not read image '${reference}': No such image. Build it first (check the name with \`docker images\`).`);
  return info.RootFS?.Layers ?? [];
}

/** The image's layers, bottom first, with their directories when this host can read them. */
export async function layerSource(reference: string): Promise<LayerSource> {
  const info = await inspectImage(reference);
  const digests = info?.RootFS?.Layers ?? [];
  const driver = info?.GraphDriver as { Name?: string; Data?: Record<string, string> } | undefined;
  if (!info || driver?.Name !== 'overlay2') {
    return { readable: false, digests, reason: `the engine's storage driver is ${driver?.Name ?? 'unknown'}, not overlay2` };
  }
  // LowerDir lists the layers below the top one, nearest first.
  const lower = (driver.Data?.LowerDir ?? '').split(':').filter(Boolean).reverse();
  const dirs = [...lower, driver.Data?.UpperDir ?? ''];
  if (dirs.length !== digests.length) {
    return { readable: false, digests, reason: `${dirs.length} layer directories for ${digests.length} layer digests` };
  }
  const unreadable = dirs.find((dir) => !canRead(dir));
  if (unreadable !== undefined) {
    return { readable: false, digests, reason: `the layer directory ${unreadable || '(none)'} is not readable here (a remote engine, or not root)` };
  }
  return { readable: true, layers: digests.map((digest, index) => ({ digest, dir: dirs[index] })) };
}

function canRead(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Reads one layer's directory into its facts (the part of the image this layer is). */
export function readLayerDir(dir: string, codeRoot: string, maxElfBytes = DEFAULT_MAX_ELF_BYTES): LayerFacts {
  const files: ArtifactFile[] = [];
  const wheels: WheelRecord[] = [];
  const paths: string[] = [];
  const symlinks: [string, string][] = [];
  const sizes: Record<string, number> = {};
  const whiteouts: string[] = [];
  const seenInodes = new Set<string>();
  const walk = (absoluteDir: string, prefix: string): void => {
    for (const name of fs.readdirSync(absoluteDir).sort()) {
      const absolute = path.join(absoluteDir, name);
      const relative = prefix ? `${prefix}/${name}` : name;
      const stat = fs.lstatSync(absolute);
      // overlay2 marks a deleted path with a 0:0 character device of the same name.
      if (stat.isCharacterDevice() && stat.rdev === 0) {
        whiteouts.push(relative);
        continue;
      }
      paths.push(relative);
      if (stat.isSymbolicLink()) symlinks.push([relative, fs.readlinkSync(absolute)]);
      else if (stat.isDirectory()) walk(absolute, relative);
      else if (stat.isFile()) {
        const inode = `${stat.dev}:${stat.ino}`;
        if (!seenInodes.has(inode)) sizes[relative] = stat.size;
        seenInodes.add(inode);
        if (inImageScope(relative, codeRoot)) files.push(fileFacts(absolute, relative, stat.size, maxElfBytes, wheels));
      }
    }
  };
  walk(dir, '');
  return { files, wheels, paths, symlinks, sizes, whiteouts };
}

function fileFacts(absolute: string, relative: string, size: number, maxElfBytes: number, wheels: WheelRecord[]): ArtifactFile {
  if (isWheelMetadata(relative)) {
    wheels.push({ path: relative, tags: parseWheelTags(fs.readFileSync(absolute, 'utf8')) });
    return { path: relative, size };
  }
  if (size < ELF_MAGIC.length || !startsWithElfMagic(absolute)) return { path: relative, size };
  if (size > maxElfBytes) return { path: relative, size, elfError: `ELF file of ${size} bytes is over the ${maxElfBytes}-byte reading limit` };
  return describeFile(relative, size, fs.readFileSync(absolute));
}

function startsWithElfMagic(file: string): boolean {
  const head = Buffer.alloc(ELF_MAGIC.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head.equals(ELF_MAGIC);
}

/** Stacks the layers' facts bottom to top (a whiteout removes the path and all below it) into a view. */
export function mergeLayers(layers: readonly LayerFacts[], image: ImageConfigView, codeRoot: string): ArtifactView {
  const files = new Map<string, ArtifactFile>();
  const wheels = new Map<string, WheelRecord>();
  const allPaths = new Set<string>();
  const symlinks = new Map<string, string>();
  const sizes = new Map<string, number>();
  for (const layer of layers) {
    for (const removed of layer.whiteouts) {
      for (const map of [files, wheels, symlinks, sizes] as Map<string, unknown>[]) deleteTree(map, removed);
      for (const existing of [...allPaths]) if (existing === removed || existing.startsWith(`${removed}/`)) allPaths.delete(existing);
    }
    // A path the layer writes replaces what was below (a file over a link, a link over a file).
    for (const written of layer.paths) {
      files.delete(written);
      symlinks.delete(written);
      sizes.delete(written);
      allPaths.add(written);
    }
    for (const file of layer.files) files.set(file.path, file);
    for (const wheel of layer.wheels) wheels.set(wheel.path, wheel);
    for (const [link, target] of layer.symlinks) symlinks.set(link, target);
    for (const [file, size] of Object.entries(layer.sizes)) sizes.set(file, size);
  }
  const unzippedBytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  return { kind: 'image', source: image.reference, files: [...files.values()], codeRoot, wheels: [...wheels.values()], unzippedBytes, image, allPaths, symlinks };
}

function deleteTree(map: Map<string, unknown>, removed: string): void {
  for (const key of [...map.keys()]) if (key === removed || key.startsWith(`${removed}/`)) map.delete(key);
}

export interface LayeredReadResult {
  readonly view: ArtifactView;
  readonly layers: number;
  /** Layers read from their directory in this call (the others came from the layer cache). */
  readonly layersRead: number;
}

/**
 * Reads an image as cached per-layer facts plus the layers not seen before, or undefined (with
 * the reason logged by the caller) when this host cannot read the layers one by one.
 */
export async function readImageByLayers(
  reference: string,
  cache: KeyedCache<LayerFacts>,
  options: { readonly force?: boolean; readonly maxElfBytes?: number } = {},
): Promise<LayeredReadResult | { readonly unavailable: string }> {
  const image = await readImageConfig(reference);
  const codeRoot = codeRootOf(image);
  const source = await layerSource(reference);
  if (!source.readable) return { unavailable: source.reason };
  let layersRead = 0;
  const facts = source.layers.map((layer) => {
    const inputs = { layer: layer.digest, codeRoot, version: LAYER_FACTS_VERSION, maxElfBytes: options.maxElfBytes ?? DEFAULT_MAX_ELF_BYTES };
    const cached = options.force ? undefined : cache.read(inputs);
    if (cached) return cached.value;
    layersRead += 1;
    return cache.write(inputs, readLayerDir(layer.dir, codeRoot, options.maxElfBytes)).value;
  });
  return { view: mergeLayers(facts, image, codeRoot), layers: source.layers.length, layersRead };
}
