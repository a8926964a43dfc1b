import { parseElf } from '../../../harness/inspect/elf-reader';
import {
  compareVersions,
  highestDefinedVersions,
  highestNeededVersions,
  parseSymbolVersion,
} from '../../../harness/inspect/symbol-versions';
import { buildElf } from './elf-builder';

describe('symbol versions', () => {
  test('compare numerically, not as text', () => {
    expect(compareVersions('2.9', '2.17')).toBeLessThan(0);
    expect(compareVersions('2.34', '2.34.0')).toBe(0);
    expect(compareVersions('3.4.30', '3.4.29')).toBeGreaterThan(0);
  });

  test('parse families; private and unknown names are not versions; DT_RELR implies glibc 2.36', () => {
    expect(parseSymbolVersion('GLIBC_2.2.5')).toEqual({ family: 'GLIBC', version: '2.2.5' });
    expect(parseSymbolVersion('GLIBCXX_3.4.29')).toEqual({ family: 'GLIBCXX', version: '3.4.29' });
    expect(parseSymbolVersion('CXXABI_1.3.13')).toEqual({ family: 'CXXABI', version: '1.3.13' });
    expect(parseSymbolVersion('GLIBC_PRIVATE')).toBeUndefined();
    expect(parseSymbolVersion('GCC_3.0')).toBeUndefined();
    expect(parseSymbolVersion('GLIBC_ABI_DT_RELR')).toEqual({ family: 'GLIBC', version: '2.36' });
  });

  test('highest needed per family, naming the library', () => {
    const elf = parseElf(
      buildElf({
        needs: [
          { library: 'libm.so.6', versions: ['GLIBC_2.29'] },
          { library: 'libc.so.6', versions: ['GLIBC_2.17', 'GLIBC_2.9', 'GLIBC_PRIVATE'] },
          { library: 'libstdc++.so.6', versions: ['GLIBCXX_3.4.9', 'GLIBCXX_3.4.21', 'CXXABI_1.3'] },
        ],
      }),
    );
    const highest = highestNeededVersions(elf);
    expect(highest.GLIBC).toEqual({ family: 'GLIBC', version: '2.29', symbolVersion: 'GLIBC_2.29', library: 'libm.so.6' });
    expect(highest.GLIBCXX?.version).toBe('3.4.21');
    expect(highest.CXXABI?.version).toBe('1.3');
  });

  test('needs met by a library the artifact bundles (auditwheel copies) are left out', () => {
    const elf = parseElf(
      buildElf({ needs: [{ library: 'libstdc++-a1b2c3.so.6.0.33', versions: ['GLIBCXX_3.4.32'] }, { library: 'libc.so.6', versions: ['GLIBC_2.17'] }] }),
    );
    expect(highestNeededVersions(elf, new Set(['libstdc++-a1b2c3.so.6.0.33'])).GLIBCXX).toBeUndefined();
    expect(highestNeededVersions(elf).GLIBCXX?.version).toBe('3.4.32');
  });

  test('highest defined, e.g. what an image libc provides', () => {
    const libc = parseElf(buildElf({ defines: ['GLIBC_2.2.5', 'GLIBC_2.41', 'GLIBC_2.9', 'GLIBC_PRIVATE', 'GLIBC_ABI_DT_RELR'] }));
    expect(highestDefinedVersions(libc)).toEqual({ GLIBC: '2.41' });
  });
});
