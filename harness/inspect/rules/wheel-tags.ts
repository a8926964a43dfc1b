/**
 * Each installed distribution's `.dist-info/WHEEL` records the tags of the wheel it came from.
 * A tag the runtime would not accept (another Python, another architecture, musl, a manylinux
 * newer than the runtime's glibc) means pip was told to install for some other machine.
 */
import { runtimeFacts } from '../../../model/runtimes';
import { wheelTagCompatibility } from '../python-tags';
import { Evidence, InspectionRule } from '../types';
import { availableVersions } from './elf-symbol-versions';
import { fail, pass, plural } from '../verdict';

export const wheelTagsRule: InspectionRule = {
  id: 'wheel-tags',
  description: '.dist-info/WHEEL tags compatible with the runtime and architecture',
  appliesTo: ['zip', 'image'],
  check(view, target) {
    // Same glibc as the symbol-version rule: an image brings its own, a ZIP gets the runtime's.
    const facts = { ...runtimeFacts(target.runtime), glibc: availableVersions(view, target).versions.GLIBC };
    const incompatible: Evidence[] = [];
    for (const wheel of view.wheels) {
      if (wheel.tags.length === 0) continue;
      const verdicts = wheel.tags.map((tag) => ({ tag, ...wheelTagCompatibility(tag, facts, target.architecture) }));
      if (verdicts.some((item) => item.compatible)) continue;
      incompatible.push({
        file: wheel.path,
        detail: verdicts.map((item) => `${item.tag}: ${item.reason}`).join('; '),
      });
    }
    if (incompatible.length === 0) {
      return pass(this.id, `${plural(view.wheels.length, 'installed distribution')}, all tagged for ${facts.runtime} ${target.architecture}`);
    }
    return fail(
      this.id,
      `${plural(incompatible.length, 'installed distribution')} came from wheels that ${facts.runtime} on ${target.architecture} would not install`,
      incompatible,
      `Reinstall them for the target: inside the ${facts.runtime} ${target.architecture} build image, or with ` +
        `pip install --python-version ${facts.pythonVersion} --platform manylinux2014_${target.architecture === 'arm64' ? 'aarch64' : 'x86_64'} ` +
        `--implementation cp --only-binary=:all:.`,
    );
  },
};
