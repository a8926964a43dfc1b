/**
 * `__pycache__/*.cpython-3XX.pyc` for another Python is ignored at run time, but it proves the
 * dependencies were installed (and byte-compiled) by a different interpreter: the usual way
 * extension modules for the wrong Python end up in a ZIP.
 */
import { runtimeFacts } from '../../../model/runtimes';
import { pycacheAbiTag } from '../python-tags';
import { Evidence, InspectionRule } from '../types';
import { pass, plural, warn } from '../verdict';

export const pycacheVersionRule: InspectionRule = {
  id: 'pycache-version',
  description: '__pycache__ byte code only for the runtime Python',
  appliesTo: ['zip', 'image'],
  check(view, target) {
    const facts = runtimeFacts(target.runtime);
    const foreign = new Map<string, { count: number; example: string }>();
    let total = 0;
    for (const file of view.files) {
      const tag = pycacheAbiTag(file.path);
      if (!tag) continue;
      total += 1;
      if (tag === facts.abiTag) continue;
      const entry = foreign.get(tag) ?? { count: 0, example: file.path };
      entry.count += 1;
      foreign.set(tag, entry);
    }
    if (foreign.size === 0) {
      return pass(this.id, total === 0 ? 'no __pycache__ byte code' : `${plural(total, '.pyc file')}, all for ${facts.abiTag}`);
    }
    const evidence: Evidence[] = [...foreign.entries()].map(([tag, entry]) => ({
      file: entry.example,
      detail: `${plural(entry.count, '.pyc file')} for ${tag}, runtime is ${facts.runtime} (${facts.abiTag})`,
    }));
    return warn(
      this.id,
      `byte code for ${[...foreign.keys()].join(', ')} in a ${facts.runtime} function: installed by another Python, ` +
        'so its native extensions may be for that Python too',
      evidence,
      `Install the dependencies with ${facts.runtime}'s own interpreter (the build image), or exclude __pycache__ from the artifact.`,
    );
  },
};
