/**
 * The project's import graph at the level of folders ("layers"): which folder's code imports which
 * other folder's. Read from the sources as text (relative `import ... from`, `export ... from`,
 * `import()` and `require()`), so it needs no build. Used by the architecture tests to keep the
 * layers pointing one way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One import of one file by another, both relative to the repository root. */
export interface FileImport {
  readonly from: string;
  readonly to: string;
}

export interface FolderGraph {
  /** folder -> folders it imports (never itself). */
  readonly edges: ReadonlyMap<string, ReadonlySet<string>>;
  /** `from folder -> to folder` -> the file imports that make that edge. */
  readonly evidence: ReadonlyMap<string, readonly FileImport[]>;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** Relative module specifiers a TypeScript source imports. */
export function relativeImports(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(SPECIFIER)) if (match[1].startsWith('.')) found.push(match[1]);
  return found;
}

/** `harness/build/zip.ts` -> `harness/build`; `lambdas/catalog.ts` -> `lambdas`; `main.ts` -> `.`. */
export function folderOf(file: string, depthByRoot: Readonly<Record<string, number>>): string {
  const parts = file.split('/');
  const depth = depthByRoot[parts[0]] ?? 1;
  return parts.length <= 1 ? '.' : parts.slice(0, Math.min(depth, parts.length - 1)).join('/');
}

function resolveModule(root: string, fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(root, path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(root, candidate).split(path.sep).join('/');
  }
  return undefined;
}

function sourceFiles(root: string, dir: string): string[] {
  const absolute = path.join(root, dir);
  if (!fs.existsSync(absolute)) return [];
  if (fs.statSync(absolute).isFile()) return dir.endsWith('.ts') ? [dir] : [];
  return fs.readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const child = `${dir}/${entry.name}`;
    return entry.isDirectory() ? sourceFiles(root, child) : child.endsWith('.ts') && !child.endsWith('.d.ts') ? [child] : [];
  });
}

/** Every relative import between the TypeScript files under `roots` (folders or single files). */
export function fileImports(root: string, roots: readonly string[]): FileImport[] {
  const imports: FileImport[] = [];
  for (const file of roots.flatMap((dir) => sourceFiles(root, dir))) {
    for (const specifier of relativeImports(fs.readFileSync(path.join(root, file), 'utf8'))) {
      const target = resolveModule(root, file, specifier);
      if (target) imports.push({ from: file, to: target });
    }
  }
  return imports;
}

export function folderGraph(imports: readonly FileImport[], depthByRoot: Readonly<Record<string, number>>): FolderGraph {
  const edges = new Map<string, Set<string>>();
  const evidence = new Map<string, FileImport[]>();
  for (const fileImport of imports) {
    const from = folderOf(fileImport.from, depthByRoot);
    const to = folderOf(fileImport.to, depthByRoot);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
    const key = `${from} -> ${to}`;
    evidence.set(key, [...(evidence.get(key) ?? []), fileImport]);
  }
  return { edges, evidence };
}

/** Groups of folders that import each other, directly or through others (Tarjan's strongly connected components). */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const visit = (folder: string): void => {
    index.set(folder, next);
    lowLink.set(folder, next);
    next += 1;
    stack.push(folder);
    onStack.add(folder);
    for (const target of graph.edges.get(folder) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowLink.set(folder, Math.min(lowLink.get(folder)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(folder, Math.min(lowLink.get(folder)!, index.get(target)!));
      }
    }
    if (lowLink.get(folder) !== index.get(folder)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const folder of [...graph.edges.keys()].sort()) if (!index.has(folder)) visit(folder);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One line per edge inside a cycle, with the first file import that makes it, for the failure message. */
export function explainCycle(graph: FolderGraph, cycle: readonly string[]): string[] {
  const members = new Set(cycle);
  const lines: string[] = [];
  for (const from of cycle) {
    for (const to of graph.edges.get(from) ?? []) {
      if (!members.has(to)) continue;
      const [first, ...rest] = graph.evidence.get(`${from} -> ${to}`) ?? [];
      lines.push(`${from} -> ${to}: ${first.from} imports ${first.to}${rest.length > 0 ? ` (+${rest.length} more)` : ''}`);
    }
  }
  return lines;
}
