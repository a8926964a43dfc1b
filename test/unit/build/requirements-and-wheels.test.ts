import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { globToRegExp, stageLocalWheels } from '../../../harness/build/local-wheels';
import { unpinnedRequirements, validateRequirementsMode } from '../../../harness/build/requirements';
import { codeOfThrown } from '../thrown-code';

describe('requirements pinning check', () => {
  it('lists the lines that do not pin an exact version', () => {
    const text = [
      '# comment',
      'fastapi==0.121.3',
      'mangum>=0.19',
      'pydantic',
      '--find-links /tmp/wheels',
      "boto3==1.41.0 ; python_version >= '3.9'",
      'requests~=2.32  # compatible release is not a pin',
      '',
    ].join('\n');
    expect(unpinnedRequirements(text)).toEqual(['mangum>=0.19', 'pydantic', 'requests~=2.32']);
  });

  it('rejects a malformed requirements mode with the value it got', () => {
    expect(() => validateRequirementsMode({ platform: 'many linux', pythonVersion: '3.12' })).toThrow(/got \{"platform":"many linux"/);
    expect(codeOfThrown(() => validateRequirementsMode({ platform: 'many linux', pythonVersion: '3.12' }))).toBe('CONFIGURATION');
    expect(validateRequirementsMode({ platform: 'manylinux2014_x86_64', pythonVersion: '3.12' })).toEqual({
      platform: 'manylinux2014_x86_64',
      pythonVersion: '3.12',
    });
  });
});

describe('local wheels', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-wheels-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('matches globs on file names only', () => {
    const pattern = globToRegExp('torch-*-cp311-*.whl');
    expect(pattern.test('torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl')).toBe(true);
    expect(pattern.test('torch-2.13.0+cpu-cp313-cp313-manylinux_2_28_x86_64.whl')).toBe(false);
    expect(pattern.test('xtorch-2.13.0-cp311-none.whl')).toBe(false);
  });

  it('stages matching wheels into .local-wheels/ and fails clearly when none match', () => {
    const wheels = path.join(dir, 'wheels');
    const context = path.join(dir, 'ctx');
    fs.mkdirSync(wheels);
    fs.mkdirSync(context);
    fs.writeFileSync(path.join(wheels, 'torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl'), 'wheel bytes');
    fs.writeFileSync(path.join(wheels, 'other-1.0-py3-none-any.whl'), 'x');
    const staged = stageLocalWheels(context, ['torch-*-cp311-*.whl'], [wheels]);
    expect(staged.map((wheel) => wheel.name)).toEqual(['torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl']);
    expect(fs.readdirSync(path.join(context, '.local-wheels'))).toEqual(['torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl']);
    // No globs: the directory still exists (Dockerfiles COPY it unconditionally), now empty.
    expect(stageLocalWheels(context, [], [wheels])).toEqual([]);
    expect(fs.readdirSync(path.join(context, '.local-wheels'))).toEqual([]);
    expect(() => stageLocalWheels(context, ['torch-*-cp312-*.whl'], [wheels])).toThrow(/No wheel matching 'torch-\*-cp312-\*\.whl'.*PIP_FIND_LINKS/);
    expect(codeOfThrown(() => stageLocalWheels(context, ['torch-*-cp312-*.whl'], [wheels]))).toBe('CONFIGURATION');
  });
});
