// Rebuild only what changed (issue 11): in every function Dockerfile the dependencies are
// installed in layers that come before the function's own sources, so a handler edit leaves the
// (for analysis, ~1 GB) dependency layers to Docker's build cache and rebuilds only what follows
// the sources' COPY. Docker reuses a layer only while every instruction before it is unchanged:
// https://docs.docker.com/build/cache/ ("Once a layer changes, all downstream layers need to be rebuilt").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listSourceFiles } from '../../../harness/build/source-files';

const LAMBDAS = path.join(__dirname, '..', '..', '..', 'lambdas');
const functions = fs.readdirSync(LAMBDAS).filter((name) => fs.existsSync(path.join(LAMBDAS, name, 'Dockerfile')));

/** Instructions of a Dockerfile (continuation lines joined, comments dropped), per build stage. */
function stages(file: string): string[][] {
  const instructions = fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ').split('\n')
    .map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const result: string[][] = [];
  for (const instruction of instructions) {
    if (/^FROM\s/i.test(instruction) || result.length === 0) result.push([]);
    result[result.length - 1].push(instruction);
  }
  return result;
}

/** The function's Python sources (what a handler edit changes). */
function pythonSources(fn: string): string[] {
  return listSourceFiles(path.join(LAMBDAS, fn)).map((file) => file.relativePath).filter((name) => name.endsWith('.py'));
}

test.each(functions)('%s: the sources are copied into the final stage after every dependency install, and no earlier stage copies them', (fn) => {
  const all = stages(path.join(LAMBDAS, fn, 'Dockerfile'));
  const final = all[all.length - 1];
  const copiesSources = (instruction: string) => /^COPY\s/i.test(instruction) && !/--from=/i.test(instruction) && pythonSources(fn).some((source) => instruction.includes(source));
  const installsDependencies = (instruction: string) => /pip install|--from=/i.test(instruction);
  const sourcesAt = final.findIndex(copiesSources);
  expect(sourcesAt).toBeGreaterThan(0);
  const lastDependency = final.map(installsDependencies).lastIndexOf(true);
  expect(lastDependency).toBeGreaterThan(0);
  expect(lastDependency).toBeLessThan(sourcesAt);
  // A builder stage that copied the sources would make its output (the dependency layer copied
  // into the final stage) change with every edit.
  for (const stage of all.slice(0, -1)) expect(stage.filter(copiesSources)).toEqual([]);
});
