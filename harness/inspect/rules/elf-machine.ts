/** Every ELF file must be built for the function's architecture (x86_64 = 62, arm64 = 183). */
import { ELF_MACHINE } from '../../../model/runtimes';
import { machineName } from '../elf-reader';
import { InspectionRule } from '../types';
import { fail, pass, plural } from '../verdict';

export const elfMachineRule: InspectionRule = {
  id: 'elf-machine',
  description: 'Native binaries built for the function architecture',
  appliesTo: ['zip', 'image'],
  check(view, target) {
    const expected = ELF_MACHINE[target.architecture];
    const elves = view.files.filter((file) => file.elf);
    const wrong = elves.filter((file) => file.elf!.machine !== expected);
    if (wrong.length === 0) {
      return pass(this.id, `${plural(elves.length, 'ELF file')}, all ${machineName(expected)} (machine ${expected}) for ${target.architecture}`);
    }
    const machines = [...new Set(wrong.map((file) => `${file.elf!.machineName} (${file.elf!.machine})`))].join(', ');
    return fail(
      this.id,
      `${plural(wrong.length, 'ELF file')} built for ${machines}, but the function runs ${target.architecture} ` +
        `(${machineName(expected)}, machine ${expected}): they cannot load`,
      wrong.map((file) => ({
        file: file.path,
        detail: `e_machine ${file.elf!.machine} (${file.elf!.machineName}), needs ${expected} (${machineName(expected)})`,
      })),
      `Install the dependencies for ${target.architecture}: build inside the ${target.runtime} ${target.architecture} ` +
        `build image, or pass pip --platform manylinux2014_${target.architecture === 'arm64' ? 'aarch64' : 'x86_64'} ` +
        `--only-binary=:all:; or change the function's architecture to match the binaries.`,
    );
  },
};
