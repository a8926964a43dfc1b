// The layers point one way: no folder's code may import a folder that (directly or through others)
// imports it back. Issue 13 ("One direction through the house") removes the cycles that exist today;
// until then they are listed here, so the list can only shrink: a new cycle, or a cycle that grew,
// fails this test.
import * as path from 'node:path';
import { explainCycle, fileImports, folderCycles, folderGraph, folderOf, relativeImports } from '../../architecture/import-graph';

const REPO = path.resolve(__dirname, '..', '..', '..');
const PRODUCTION_ROOTS = ['lambdas', 'harness', 'stacks', 'modules', 'scripts', 'main.ts'];
/** harness/<part> folders are layers of their own; elsewhere the top folder is the layer. */
const DEPTH = { harness: 2 };

/** Cycles on main when this test was written (2026-12-02); issue 13 empties this list. */
const KNOWN_CYCLES: readonly (readonly string[])[] = [
  ['harness', 'harness/build', 'harness/deploy-gate', 'harness/emulator', 'harness/local-aws', 'lambdas', 'modules', 'stacks'],
  ['harness/docker', 'harness/lifecycle'],
];

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
    expect(folderOf('model/manifest.ts', DEPTH)).toBe('harness');
    expect(folderOf('model/runtimes.ts', DEPTH)).toBe('lambdas');
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

  it('have no folder-level import cycle beyond the known ones (which may only disappear)', () => {
    const cycles = folderCycles(graph);
    const unexpected = cycles.filter((cycle) => !KNOWN_CYCLES.some((known) => cycle.every((folder) => known.includes(folder))));
    expect(unexpected.map((cycle) => [cycle.join(' <-> '), ...explainCycle(graph, cycle)].join('\n  '))).toEqual([]);
    // A known cycle that is gone must leave the list, so it cannot come back unnoticed.
    const gone = KNOWN_CYCLES.filter((known) => !cycles.some((cycle) => known.every((folder) => cycle.includes(folder))));
    expect(gone).toEqual([]);
  });

  it('production code never imports the tests', () => {
    const intoTests = fileImports(REPO, PRODUCTION_ROOTS).filter((fileImport) => fileImport.to.startsWith('test/'));
    expect(intoTests.map((fileImport) => `${fileImport.from} -> ${fileImport.to}`)).toEqual([]);
  });
});
