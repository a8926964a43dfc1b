/**
 * An image read layer by layer (issue 11): one layer directory into facts, and the layers'
 * facts stacked bottom to top into the view the rules judge (upper layers replace, whiteouts
 * delete). Real directories and ELF bytes; the engine's own layers: test/integration/inspect.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LayerFacts, mergeLayers, readLayerDir } from '../../../harness/inspect/image-layers';
import { buildElf } from './elf-builder';
import { imageConfig } from './views';

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'image-layers-'));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

function layer(files: Partial<LayerFacts> & { sizes?: Record<string, number> }): LayerFacts {
  const sizes = files.sizes ?? {};
  return { files: [], wheels: [], symlinks: [], whiteouts: [], paths: Object.keys(sizes), ...files, sizes };
}

test('a layer directory becomes facts: in-scope ELF files parsed, WHEEL tags, symlinks, sizes (hard links once)', () => {
  const root = path.join(scratch, 'diff');
  fs.mkdirSync(path.join(root, 'var/task/pkg-1.0.dist-info'), { recursive: true });
  fs.mkdirSync(path.join(root, 'usr/share'), { recursive: true });
  fs.writeFileSync(path.join(root, 'var/task/handler.py'), 'x = 1\n');
  fs.writeFileSync(path.join(root, 'var/task/_core.so'), buildElf());
  fs.writeFileSync(path.join(root, 'var/task/pkg-1.0.dist-info/WHEEL'), 'Wheel-Version: 1.0\nTag: cp313-cp313-manylinux_2_17_x86_64\n');
  fs.writeFileSync(path.join(root, 'usr/share/doc.txt'), '12345');
  fs.linkSync(path.join(root, 'usr/share/doc.txt'), path.join(root, 'usr/share/doc-link.txt'));
  fs.symlinkSync('/var/task/handler.py', path.join(root, 'var/task/link.py'));

  const facts = readLayerDir(root, 'var/task/');
  expect(facts.files.map((file) => file.path).sort()).toEqual(['var/task/_core.so', 'var/task/handler.py', 'var/task/pkg-1.0.dist-info/WHEEL']);
  expect(facts.files.find((file) => file.path === 'var/task/_core.so')?.elf).toBeDefined();
  expect(facts.wheels).toEqual([{ path: 'var/task/pkg-1.0.dist-info/WHEEL', tags: ['cp313-cp313-manylinux_2_17_x86_64'] }]);
  expect(facts.symlinks).toEqual([['var/task/link.py', '/var/task/handler.py']]);
  expect(Object.keys(facts.sizes).filter((file) => file.startsWith('usr/'))).toHaveLength(1);
  expect(facts.paths).toEqual(expect.arrayContaining(['usr', 'usr/share', 'var/task', 'var/task/link.py']));
});

test('layers stack bottom to top: an upper file replaces a lower one, a whiteout deletes a tree', () => {
  const bottom = layer({
    sizes: { 'var/task/a.py': 10, 'var/task/old/x.so': 100, 'opt/tool': 5 },
    files: [{ path: 'var/task/a.py', size: 10 }, { path: 'var/task/old/x.so', size: 100 }, { path: 'opt/tool', size: 5 }],
    symlinks: [['opt/link', 'tool']],
    paths: ['opt', 'opt/tool', 'opt/link', 'var', 'var/task', 'var/task/a.py', 'var/task/old', 'var/task/old/x.so'],
  });
  const top = layer({
    sizes: { 'var/task/a.py': 20 },
    files: [{ path: 'var/task/a.py', size: 20 }],
    whiteouts: ['var/task/old', 'opt/link'],
  });
  const view = mergeLayers([bottom, top], imageConfig(), 'var/task/');
  expect(view.files.map((file) => [file.path, file.size]).sort()).toEqual([['opt/tool', 5], ['var/task/a.py', 20]]);
  expect(view.unzippedBytes).toBe(25);
  expect(view.allPaths?.has('var/task/old')).toBe(false);
  expect(view.allPaths?.has('var/task/old/x.so')).toBe(false);
  expect(view.symlinks?.size).toBe(0);
});
