/**
 * CPython loads an extension module only when its suffix matches the interpreter:
 * `.cpython-313-x86_64-linux-gnu.so` on python3.13 x86_64, or the stable ABI `.abi3.so`.
 * A `cp312` build in a python3.13 function is the seeds' "No module named
 * 'pydantic_core._pydantic_core'": the file is there, the interpreter skips it.
 */
import { runtimeFacts } from '../../../model/runtimes';
import { extensionPlatform, parseExtensionSuffix } from '../python-tags';
import { Evidence, InspectionRule } from '../types';
import { fail, pass, plural, warn } from '../verdict';

/** `pkg/_core.cpython-312-x86_64-linux-gnu.so` -> `pkg/_core` */
function moduleKey(path: string): string {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  return path.slice(0, slash + 1) + base.slice(0, base.indexOf('.'));
}

export const extensionAbiRule: InspectionRule = {
  id: 'extension-abi',
  description: 'CPython extension suffixes match the runtime Python and architecture',
  appliesTo: ['zip', 'image'],
  check(view, target) {
    const facts = runtimeFacts(target.runtime);
    const platform = extensionPlatform(target.architecture);
    const wanted = `.cpython-${facts.abiTag.slice(2)}-${platform}.so`;
    const loadable = new Set<string>();
    const mismatched: { path: string; detail: string }[] = [];
    let extensions = 0;
    for (const file of view.files) {
      const suffix = parseExtensionSuffix(file.path);
      if (!suffix) continue;
      extensions += 1;
      if (suffix.kind !== 'cpython') {
        loadable.add(moduleKey(file.path));
        continue;
      }
      const problems: string[] = [];
      if (suffix.abiTag !== facts.abiTag) problems.push(`built for ${suffix.abiTag}, runtime is ${facts.runtime}`);
      else if (suffix.freeThreaded) problems.push(`built for free-threaded ${suffix.abiTag}t, runtime is the default ${facts.runtime} build`);
      if (suffix.platform !== platform) {
        problems.push(`built for ${suffix.platform}, the function runs ${target.architecture} (${platform})`);
      }
      if (problems.length === 0) loadable.add(moduleKey(file.path));
      else mismatched.push({ path: file.path, detail: problems.join('; ') });
    }
    if (mismatched.length === 0) {
      return pass(this.id, `${plural(extensions, 'extension module')}, all loadable by ${facts.runtime} on ${target.architecture} (${wanted} or abi3)`);
    }
    // A mismatched build beside a loadable one of the same module is dead weight, not a failure.
    const broken: Evidence[] = [];
    const shadowed: Evidence[] = [];
    for (const item of mismatched) {
      const evidence = { file: item.path, detail: item.detail };
      if (loadable.has(moduleKey(item.path))) shadowed.push({ ...evidence, detail: `${item.detail} (a loadable build sits beside it)` });
      else broken.push(evidence);
    }
    const fix =
      `Install the dependencies for ${facts.runtime} ${target.architecture}: build inside the ${facts.runtime} build image, ` +
      `or pip install --python-version ${facts.pythonVersion} --platform manylinux2014_${target.architecture === 'arm64' ? 'aarch64' : 'x86_64'} ` +
      `--only-binary=:all: so pip picks ${facts.abiTag} wheels; or set the function's runtime to the Python they were built for.`;
    if (broken.length > 0) {
      return fail(
        this.id,
        `${plural(broken.length, 'extension module')} cannot be imported by ${facts.runtime} on ${target.architecture} ` +
          `(expects *${wanted} or *.abi3.so): ${broken[0].detail}`,
        [...broken, ...shadowed],
        fix,
      );
    }
    return warn(
      this.id,
      `${plural(shadowed.length, 'extension module')} built for another Python/platform ship beside loadable builds (unused weight)`,
      shadowed,
      'Remove the unused builds from the artifact.',
    );
  },
};
