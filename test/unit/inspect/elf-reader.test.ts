import { ElfParseError, isElf, parseElf } from '../../../harness/inspect/elf-reader';
import { buildElf } from './elf-builder';

const needs = [
  { library: 'libc.so.6', versions: ['GLIBC_2.2.5', 'GLIBC_2.38', 'GLIBC_2.36'] },
  { library: 'libstdc++.so.6', versions: ['GLIBCXX_3.4.30', 'CXXABI_1.3.13'] },
];

describe('parseElf', () => {
  test.each([
    [64, 'little'],
    [64, 'big'],
    [32, 'little'],
    [32, 'big'],
  ] as const)('reads machine and version needs of an ELF%s %s-endian file', (elfClass, endianness) => {
    const info = parseElf(buildElf({ elfClass, endianness, machine: 183, needs }));
    expect(info).toMatchObject({ elfClass, endianness, machine: 183, machineName: 'AArch64', typeName: 'shared object', hasSectionHeaders: true });
    expect(info.versionNeeds).toEqual(needs);
  });

  test('reads version definitions without the base (file name) entry', () => {
    const info = parseElf(buildElf({ defines: ['GLIBC_2.2.5', 'GLIBC_2.34', 'GLIBC_PRIVATE'] }));
    expect(info.versionDefinitions).toEqual(['GLIBC_2.2.5', 'GLIBC_2.34', 'GLIBC_PRIVATE']);
  });

  test('a file without section headers parses, and says its needs are unknown', () => {
    const info = parseElf(buildElf({ needs, noSections: true }));
    expect(info.hasSectionHeaders).toBe(false);
    expect(info.versionNeeds).toEqual([]);
  });

  test('a truncated file is an ElfParseError naming the offset, not a crash', () => {
    const whole = buildElf({ needs });
    const cut = whole.subarray(0, whole.length - 30);
    expect(() => parseElf(cut)).toThrow(ElfParseError);
    expect(() => parseElf(cut)).toThrow(/truncated/);
  });

  test('non-ELF bytes are refused by magic', () => {
    expect(isElf(Buffer.from('#!/bin/sh\n'))).toBe(false);
    expect(isElf(buildElf())).toBe(true);
    expect(() => parseElf(Buffer.from('MZ this is not an ELF file at all, it is much too short'))).toThrow(/no \\x7fELF magic/);
  });
});
