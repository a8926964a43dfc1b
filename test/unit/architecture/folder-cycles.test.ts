// The layers point one way (ARCHITECTURE.md): model at the bottom, the catalog on it, the harness and
// the infrastructure (modules, stacks) beside each other on those, deployment above, the commands on top.
// No folder's code may import a folder that (directly or through others) imports it back.
import * as path from 'node:path';
import { explainCycle, fileImports, folderCycles, folderGraph, folderOf, relativeImports } from '../../architecture/import-graph';

const REPO = path.resolve(__dirname, '..', '..', '..');
const PRODUCTION_ROOTS = ['model', 'lambdas', 'harness', 'stacks', 'modules', 'deploy', 'scripts', 'main.ts'];
/** harness/<part> folders are layers of their own; elsewhere the top folder is the layer. */
const DEPTH = { harness: 2 };

/**
 * What each layer may import besides itself. A folder not listed (the commands: harness/cli,
 * scripts, main.ts) may import anything; the cycle check still applies to it.
 */
const MAY_IMPORT: Readonly<Record<string, (folder: string) => boolean>> = {
  model: () => false,
  lambdas: (folder) => folder === 'model',
  modules: (folder) => folder === 'model',
  stacks: (folder) => folder === 'model' || folder === 'modules',
  deploy: (folder) => folder !== 'harness/cli' && folder !== 'scripts',
};
/** The harness below its commands: model, the catalog and its own parts, never deployment or infrastructure. */
const harnessMayImport = (folder: string) => folder === 'model' || folder === 'lambdas' || (folder.startsWith('harness') && folder !== 'harness/cli');
/** Catalog types a reusable module must not take (it owns its props, as aws-cdk's constructs do). */
const CATALOG_FILES = (file: string) => file.startsWith('lambdas/') || file === 'model/function-spec.ts';

describe('reading the import graph', () => {
  it('finds static, re-exported, dynamic and side-effect imports, relative ones only', () => {
    const source = [
      "import { a } from './a';",
      "export { b } from '../b';",
      "import './side-effect';",
      "const c = await import('./c');",
      "const d = require('../d');",
      "import * as fs from 'node:fs';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a', '../b', './side-effect', './c', '../d']);
  });

  it('names a file by its layer folder', () => {
    expect(folderOf('harness/build/zip-builder.ts', DEPTH)).toBe('harness/build');
    expect(folderOf('harness/machine-catalog.ts', DEPTH)).toBe('harness');
    expect(folderOf('lambdas/catalog.ts', DEPTH)).toBe('lambdas');
    expect(folderOf('main.ts', DEPTH)).toBe('.');
  });

  it('reports a cycle through a third folder with the file imports that make it, and not a one-way chain', () => {
    const graph = folderGraph(
      [
        { from: 'a/x.ts', to: 'b/y.ts' },
        { from: 'b/y.ts', to: 'c/z.ts' },
        { from: 'c/z.ts', to: 'a/w.ts' },
        { from: 'c/z.ts', to: 'd/v.ts' },
        { from: 'a/x.ts', to: 'a/w.ts' },
      ],
      {},
    );
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([['a', 'b', 'c']]);
    expect(explainCycle(graph, cycles[0])).toEqual([
      'a -> b: a/x.ts imports b/y.ts',
      'b -> c: b/y.ts imports c/z.ts',
      'c -> a: c/z.ts imports a/w.ts',
    ]);
  });
});

describe("the project's folders", () => {
  const graph = folderGraph(fileImports(REPO, PRODUCTION_ROOTS), DEPTH);

  it('have no folder-level import cycle', () => {
    const cycles = folderCycles(graph);
    expect(cycles.map((cycle) => [cycle.join(' <-> '), ...explainCycle(graph, cycle)].join('\n  '))).toEqual([]);
  });

  it('import only the layers below them', () => {
    const wrongWay: string[] = [];
    for (const [from, targets] of graph.edges) {
      const mayImport = MAY_IMPORT[from] ?? (from.startsWith('harness') && from !== 'harness/cli' ? harnessMayImport : undefined);
      if (!mayImport) continue;
      for (const to of targets) {
        if (!mayImport(to)) wrongWay.push(`${from} -> ${to}: ${graph.evidence.get(`${from} -> ${to}`)![0].from} imports ${graph.evidence.get(`${from} -> ${to}`)![0].to}`);
      }
    }
    expect(wrongWay).toEqual([]);
  });

  it('modules/ never imports the catalog or its types', () => {
    const intoCatalog = fileImports(REPO, ['modules']).filter((fileImport) => CATALOG_FILES(fileImport.to));
    expect(intoCatalog.map((fileImport) => `${fileImport.from} -> ${fileImport.to}`)).toEqual([]);
  });

  it('production code never imports the tests', () => {
    const intoTests = fileImports(REPO, PRODUCTION_ROOTS).filter((fileImport) => fileImport.to.startsWith('test/'));
    expect(intoTests.map((fileImport) => `${fileImport.from} -> ${fileImport.to}`)).toEqual([]);
  });
});
