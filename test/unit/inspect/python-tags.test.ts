import { runtimeFacts } from '../../../model/runtimes';
import { parseExtensionSuffix, parseWheelTags, pycacheAbiTag, wheelTagCompatibility } from '../../../harness/inspect/python-tags';

const py313 = runtimeFacts('python3.13');
const py311 = runtimeFacts('python3.11');

describe('extension suffixes', () => {
  test.each([
    ['pkg/_core.cpython-313-x86_64-linux-gnu.so', { kind: 'cpython', abiTag: 'cp313', freeThreaded: false, platform: 'x86_64-linux-gnu' }],
    ['pkg/_core.cpython-313t-aarch64-linux-gnu.so', { kind: 'cpython', abiTag: 'cp313', freeThreaded: true, platform: 'aarch64-linux-gnu' }],
    ['pkg/_core.cpython-312-darwin.so', { kind: 'cpython', abiTag: 'cp312', freeThreaded: false, platform: 'darwin' }],
    ['pkg/_speedups.abi3.so', { kind: 'abi3' }],
    ['pkg/_plain.so', { kind: 'plain' }],
  ])('%s', (path, expected) => {
    expect(parseExtensionSuffix(path)).toEqual(expected);
  });

  test('shared libraries and other files are not extension modules', () => {
    expect(parseExtensionSuffix('numpy.libs/libgfortran-040039e1.so.5.0.0')).toBeUndefined();
    expect(parseExtensionSuffix('pkg/libfoo.so')).toBeUndefined();
    expect(parseExtensionSuffix('pkg/module.py')).toBeUndefined();
  });
});

describe('wheel tag compatibility', () => {
  test.each([
    ['py3-none-any', py313, 'x86_64', true],
    ['py2.py3-none-any', py313, 'x86_64', true],
    ['cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64', py313, 'x86_64', true],
    ['cp39-abi3-manylinux_2_28_x86_64', py313, 'x86_64', true],
    ['cp313-cp313-manylinux_2_17_aarch64', py313, 'arm64', true],
    ['cp313-cp313-linux_x86_64', py313, 'x86_64', true],
    ['cp312-cp312-manylinux_2_17_x86_64', py313, 'x86_64', false],
    ['cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64', py313, 'x86_64', false],
    ['cp313-cp313-manylinux_2_39_x86_64', py313, 'x86_64', false],
    ['cp311-cp311-manylinux_2_28_x86_64', py311, 'x86_64', false],
    ['cp311-cp311-manylinux_2_17_x86_64', py311, 'x86_64', true],
    ['cp313-cp313-musllinux_1_2_x86_64', py313, 'x86_64', false],
    ['cp313-cp313-macosx_11_0_arm64', py313, 'arm64', false],
    ['py314-none-any', py313, 'x86_64', false],
  ] as const)('%s on %s %s -> %s', (tag, facts, architecture, compatible) => {
    expect(wheelTagCompatibility(tag, facts, architecture).compatible).toBe(compatible);
  });

  test('reasons say what the wheel was for and what the function has', () => {
    expect(wheelTagCompatibility('cp313-cp313-manylinux_2_39_x86_64', py313, 'x86_64').reason).toBe(
      "platform 'manylinux_2_39_x86_64' needs glibc 2.39, python3.13 (Amazon Linux 2023) has 2.34",
    );
    expect(wheelTagCompatibility('cp312-cp312-manylinux_2_17_x86_64', py313, 'x86_64').reason).toMatch(/ABI tag 'cp312' is not cp313/);
  });

  test('WHEEL files: one tag per Tag line', () => {
    const text = 'Wheel-Version: 1.0\nGenerator: maturin (1.9.6)\nRoot-Is-Purelib: false\nTag: cp313-cp313-manylinux_2_17_x86_64\nTag: cp313-cp313-manylinux2014_x86_64\n';
    expect(parseWheelTags(text)).toEqual(['cp313-cp313-manylinux_2_17_x86_64', 'cp313-cp313-manylinux2014_x86_64']);
  });

  test('__pycache__ names carry the interpreter tag', () => {
    expect(pycacheAbiTag('anyio/__pycache__/abc.cpython-312.pyc')).toBe('cp312');
    expect(pycacheAbiTag('__pycache__/handler.cpython-313.opt-1.pyc')).toBe('cp313');
    expect(pycacheAbiTag('anyio/abc.pyc')).toBeUndefined();
  });
});
