/** Each rule of the default pack on small in-memory views: one passing case and the cases it must catch. */
import { elfMachineRule } from '../../../harness/inspect/rules/elf-machine';
import { elfSymbolVersionsRule } from '../../../harness/inspect/rules/elf-symbol-versions';
import { environmentSecretsRule } from '../../../harness/inspect/rules/environment-secrets';
import { extensionAbiRule } from '../../../harness/inspect/rules/extension-abi';
import { handlerModuleRule, handlerModulePath, handlerProblem } from '../../../harness/inspect/rules/handler-module';
import { ociBaseLabels } from '../../../harness/docker/image-build';
import { BASE_DIGEST_LABEL, BASE_NAME_LABEL, imageBasePinnedRule } from '../../../harness/inspect/rules/image-base-pinned';
import { imageEntrypointRule } from '../../../harness/inspect/rules/image-entrypoint';
import { IMAGE_LIMIT_BYTES, imageSizeRule } from '../../../harness/inspect/rules/image-size';
import { imageUserRule, isRootUser } from '../../../harness/inspect/rules/image-user';
import { pycacheVersionRule } from '../../../harness/inspect/rules/pycache-version';
import { UNZIPPED_LIMIT_BYTES, unzippedSizeRule } from '../../../harness/inspect/rules/unzipped-size';
import { wheelTagsRule } from '../../../harness/inspect/rules/wheel-tags';
import { DIRECT_UPLOAD_LIMIT_BYTES, zipSizeRule } from '../../../harness/inspect/rules/zip-size';
import { TARGET, elfFile, file, imageView, zipView } from './views';

const LIBC_NEEDS = (...versions: string[]) => [{ library: 'libc.so.6', versions }];

describe('zip-size', () => {
  test('passes at the limit, warns above it with the S3 path', () => {
    expect(zipSizeRule.check(zipView([], { zippedBytes: DIRECT_UPLOAD_LIMIT_BYTES }), TARGET).level).toBe('pass');
    const verdict = zipSizeRule.check(zipView([], { zippedBytes: DIRECT_UPLOAD_LIMIT_BYTES + 1 }), TARGET);
    expect(verdict.level).toBe('warn');
    expect(verdict.fix).toMatch(/s3_bucket\/s3_key/);
  });
});

describe('unzipped-size', () => {
  test('counts layers: code alone fits, code + layers does not', () => {
    const view = zipView([file('big.bin', 200 * 1024 * 1024)]);
    expect(unzippedSizeRule.check(view, TARGET).level).toBe('pass');
    const verdict = unzippedSizeRule.check(view, { ...TARGET, layersUnzippedBytes: UNZIPPED_LIMIT_BYTES - 200 * 1024 * 1024 + 1 });
    expect(verdict.level).toBe('fail');
    expect(verdict.message).toMatch(/layers/);
    expect(verdict.evidence[0].file).toBe('big.bin');
  });
});

describe('image-size', () => {
  test('fails over 10 GB', () => {
    expect(imageSizeRule.check(imageView([], {}, { sizeBytes: IMAGE_LIMIT_BYTES }), TARGET).level).toBe('pass');
    expect(imageSizeRule.check(imageView([], {}, { sizeBytes: IMAGE_LIMIT_BYTES + 1 }), TARGET).level).toBe('fail');
  });
});

describe('elf-machine', () => {
  test('x86-64 binaries pass in an x86_64 function', () => {
    expect(elfMachineRule.check(zipView([elfFile('a.so', { machine: 62 })]), TARGET).level).toBe('pass');
  });

  test('an AArch64 binary fails in an x86_64 function, and passes in an arm64 one', () => {
    const view = zipView([elfFile('pkg/_core.so', { machine: 183 }), file('pkg/__init__.py')]);
    const verdict = elfMachineRule.check(view, TARGET);
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence).toEqual([{ file: 'pkg/_core.so', detail: 'e_machine 183 (AArch64), needs 62 (x86-64)' }]);
    expect(elfMachineRule.check(view, { ...TARGET, architecture: 'arm64' }).level).toBe('pass');
  });
});

describe('elf-symbol-versions', () => {
  test('GLIBC up to the runtime passes; above it fails with the file, the need and what the runtime has', () => {
    expect(elfSymbolVersionsRule.check(zipView([elfFile('ok.so', { needs: LIBC_NEEDS('GLIBC_2.34', 'GLIBC_2.17') })]), TARGET).level).toBe('pass');
    const verdict = elfSymbolVersionsRule.check(zipView([elfFile('new.so', { needs: LIBC_NEEDS('GLIBC_2.36', 'GLIBC_2.38') })]), TARGET);
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence[0]).toEqual({
      file: 'new.so',
      detail: 'needs GLIBC_2.38, GLIBC_2.36 (from libc.so.6), python3.13 (Amazon Linux 2023) has up to GLIBC_2.34',
    });
  });

  test('python3.11 is judged against Amazon Linux 2 (glibc 2.26)', () => {
    const view = zipView([elfFile('mid.so', { needs: LIBC_NEEDS('GLIBC_2.28') })]);
    expect(elfSymbolVersionsRule.check(view, TARGET).level).toBe('pass');
    const verdict = elfSymbolVersionsRule.check(view, { ...TARGET, runtime: 'python3.11' });
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence[0].detail).toMatch(/Amazon Linux 2\) has up to GLIBC_2.26/);
  });

  test('GLIBCXX newer than the runtime libstdc++ fails; a bundled libstdc++ copy satisfies it', () => {
    const needs = [{ library: 'libstdc++.so.6', versions: ['GLIBCXX_3.4.30'] }];
    expect(elfSymbolVersionsRule.check(zipView([elfFile('cxx.so', { needs })]), TARGET).level).toBe('fail');
    const bundledNeeds = [{ library: 'libstdc++-deadbeef.so.6.0.30', versions: ['GLIBCXX_3.4.30'] }];
    const view = zipView([elfFile('pkg/cxx.so', { needs: bundledNeeds }), elfFile('pkg.libs/libstdc++-deadbeef.so.6.0.30')]);
    expect(elfSymbolVersionsRule.check(view, TARGET).level).toBe('pass');
  });

  test("an image is judged against its own libc, not the managed runtime's", () => {
    const libc = elfFile('usr/lib/x86_64-linux-gnu/libc.so.6', { defines: ['GLIBC_2.2.5', 'GLIBC_2.41'] });
    const app = elfFile('var/task/native.so', { needs: LIBC_NEEDS('GLIBC_2.38') });
    const verdict = elfSymbolVersionsRule.check(imageView([libc, app]), TARGET);
    expect(verdict.level).toBe('pass');
    expect(verdict.message).toMatch(/the image's \/usr\/lib\/x86_64-linux-gnu\/libc.so.6/);
    expect(elfSymbolVersionsRule.check(imageView([app]), TARGET).level).toBe('fail');
  });

  test('an unreadable ELF file is a warning, not a silent pass', () => {
    const verdict = elfSymbolVersionsRule.check(zipView([{ path: 'broken.so', size: 10, elfError: 'truncated' }]), TARGET);
    expect(verdict.level).toBe('warn');
    expect(verdict.evidence[0].file).toBe('broken.so');
  });
});

describe('extension-abi', () => {
  test('cp313 x86_64, abi3 and plain .so pass', () => {
    const view = zipView([
      file('pydantic_core/_pydantic_core.cpython-313-x86_64-linux-gnu.so'),
      file('markupsafe/_speedups.abi3.so'),
      file('legacy/_mod.so'),
    ]);
    expect(extensionAbiRule.check(view, TARGET).level).toBe('pass');
  });

  test('a cp312 build in a python3.13 function fails: "built for cp312, runtime is python3.13"', () => {
    const verdict = extensionAbiRule.check(zipView([file('pydantic_core/_pydantic_core.cpython-312-x86_64-linux-gnu.so')]), TARGET);
    expect(verdict.level).toBe('fail');
    expect(verdict.message).toMatch(/built for cp312, runtime is python3.13/);
  });

  test('an aarch64 build in an x86_64 function fails', () => {
    const verdict = extensionAbiRule.check(zipView([file('m/_c.cpython-313-aarch64-linux-gnu.so')]), TARGET);
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence[0].detail).toMatch(/aarch64-linux-gnu, the function runs x86_64/);
  });

  test('a wrong build beside a loadable one is only a warning', () => {
    const view = zipView([file('m/_c.cpython-312-x86_64-linux-gnu.so'), file('m/_c.cpython-313-x86_64-linux-gnu.so')]);
    expect(extensionAbiRule.check(view, TARGET).level).toBe('warn');
  });
});

describe('wheel-tags', () => {
  test('compatible tags pass; any compatible tag of a WHEEL is enough', () => {
    const wheels = [
      { path: 'fastapi-0.121.3.dist-info/WHEEL', tags: ['py3-none-any'] },
      { path: 'pydantic_core-2.41.5.dist-info/WHEEL', tags: ['cp313-cp313-manylinux_2_17_x86_64', 'cp313-cp313-manylinux2014_x86_64'] },
    ];
    expect(wheelTagsRule.check(zipView([], { wheels }), TARGET).level).toBe('pass');
  });

  test('aarch64 and cp312 wheels fail with the reason', () => {
    const wheels = [
      { path: 'a-1.dist-info/WHEEL', tags: ['cp313-cp313-manylinux_2_17_aarch64'] },
      { path: 'b-1.dist-info/WHEEL', tags: ['cp312-cp312-manylinux_2_17_x86_64'] },
    ];
    const verdict = wheelTagsRule.check(zipView([], { wheels }), TARGET);
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence.map((item) => item.file)).toEqual(['a-1.dist-info/WHEEL', 'b-1.dist-info/WHEEL']);
  });

  test("an image's manylinux tags are judged against its own libc, a ZIP's against the runtime's", () => {
    const wheels = [{ path: 'var/task/torch-2.13.0.dist-info/WHEEL', tags: ['cp313-cp313-manylinux_2_28_x86_64'] }];
    const libc = elfFile('usr/lib/x86_64-linux-gnu/libc.so.6', { defines: ['GLIBC_2.2.5', 'GLIBC_2.36'] });
    expect(wheelTagsRule.check(imageView([libc], { wheels }), TARGET).level).toBe('pass');
    const tooNew = [{ path: 'x-1.dist-info/WHEEL', tags: ['cp313-cp313-manylinux_2_39_x86_64'] }];
    expect(wheelTagsRule.check(imageView([libc], { wheels: tooNew }), TARGET).level).toBe('fail');
    expect(wheelTagsRule.check(zipView([], { wheels: tooNew }), TARGET).level).toBe('fail');
  });
});

describe('pycache-version', () => {
  test('byte code for the runtime passes; for another Python warns, grouped per version', () => {
    expect(pycacheVersionRule.check(zipView([file('a/__pycache__/x.cpython-313.pyc')]), TARGET).level).toBe('pass');
    const verdict = pycacheVersionRule.check(
      zipView([file('a/__pycache__/x.cpython-312.pyc'), file('a/__pycache__/y.cpython-312.pyc'), file('b/__pycache__/z.cpython-311.pyc')]),
      TARGET,
    );
    expect(verdict.level).toBe('warn');
    expect(verdict.evidence).toHaveLength(2);
    expect(verdict.evidence[0].detail).toBe('2 .pyc files for cp312, runtime is python3.13 (cp313)');
  });
});

describe('handler-module', () => {
  test('well-formed strings, and the module path they imply', () => {
    expect(handlerProblem('handler.lambda_handler')).toBeUndefined();
    expect(handlerProblem('src/app.handler.main')).toBeUndefined();
    expect(handlerModulePath('src/app.handler.main')).toBe('src/app/handler');
    expect(handlerProblem('handler.py')).toMatch(/names a file/);
    expect(handlerProblem('lambda_handler')).toMatch(/no '.function' part/);
    expect(handlerProblem('my-handler.main')).toMatch(/Python identifiers/);
  });

  test('module at the root, in a package, or as __init__ passes', () => {
    expect(handlerModuleRule.check(zipView([file('handler.py')]), TARGET).level).toBe('pass');
    expect(handlerModuleRule.check(zipView([file('app/api/__init__.py')]), { ...TARGET, handler: 'app.api.main' }).level).toBe('pass');
  });

  test('a module in a subfolder instead of the root fails and points at it (seed 000 style packaging)', () => {
    const verdict = handlerModuleRule.check(zipView([file('dashboard/handler.py')]), TARGET);
    expect(verdict.level).toBe('fail');
    expect(verdict.message).toMatch(/ImportModuleError/);
    expect(verdict.evidence[0]).toEqual({ file: 'dashboard/handler.py', detail: 'a file of that name exists, at another path' });
  });

  test('a malformed handler fails; a ZIP with no handler given only warns', () => {
    expect(handlerModuleRule.check(zipView([file('handler.py')]), { ...TARGET, handler: 'handler.py' }).level).toBe('fail');
    expect(handlerModuleRule.check(zipView([file('handler.py')]), { ...TARGET, handler: undefined }).level).toBe('warn');
  });

  test('an image takes the handler from CMD and looks under the task root', () => {
    const view = imageView([file('var/task/handler.py')]);
    expect(handlerModuleRule.check(view, { ...TARGET, handler: undefined }).level).toBe('pass');
    expect(handlerModuleRule.check(imageView([file('app/handler.py')]), { ...TARGET, handler: undefined }).level).toBe('fail');
  });
});

describe('image-user', () => {
  test('root in any spelling fails; a named or numeric user passes', () => {
    for (const user of ['', 'root', '0', '0:0', 'root:1000']) expect(isRootUser(user)).toBe(true);
    expect(imageUserRule.check(imageView([], {}, { user: '' }), TARGET).level).toBe('fail');
    expect(imageUserRule.check(imageView([], {}, { user: 'sbx_user1051' }), TARGET).level).toBe('pass');
    expect(imageUserRule.check(imageView([], {}, { user: '1000:1000' }), TARGET).level).toBe('pass');
  });
});

describe('image-entrypoint', () => {
  test('an entrypoint found through symlinks (/bin -> usr/bin, python3 -> python3.13) passes', () => {
    expect(imageEntrypointRule.check(imageView([], {}, { entrypoint: ['/bin/python3', '-m', 'awslambdaric'] }), TARGET).level).toBe('pass');
    expect(imageEntrypointRule.check(imageView([], {}, { entrypoint: ['python3', '-m', 'awslambdaric'] }), TARGET).level).toBe('pass');
  });

  test('a missing entrypoint file, no entrypoint and no command, or no CMD all fail', () => {
    const missing = imageEntrypointRule.check(imageView([], {}, { entrypoint: ['/lambda-entrypoint.sh'] }), TARGET);
    expect(missing.level).toBe('fail');
    expect(missing.message).toMatch(/'\/lambda-entrypoint.sh', which does not exist/);
    expect(imageEntrypointRule.check(imageView([], {}, { entrypoint: [], cmd: [] }), TARGET).level).toBe('fail');
    expect(imageEntrypointRule.check(imageView([], {}, { cmd: [] }), TARGET).message).toMatch(/no CMD/);
  });
});

describe('image-base-pinned', () => {
  test('a digest label or a name@sha256 passes; nothing or a tag warns', () => {
    const digest = 'sha256:' + 'b'.repeat(64);
    expect(imageBasePinnedRule.check(imageView([], {}, { labels: { [BASE_DIGEST_LABEL]: digest } }), TARGET).level).toBe('pass');
    expect(imageBasePinnedRule.check(imageView([], {}, { labels: { [BASE_NAME_LABEL]: `public.ecr.aws/lambda/python@${digest}` } }), TARGET).level).toBe('pass');
    expect(imageBasePinnedRule.check(imageView([]), TARGET).level).toBe('warn');
    expect(imageBasePinnedRule.check(imageView([], {}, { labels: { [BASE_NAME_LABEL]: 'public.ecr.aws/lambda/python:3.13' } }), TARGET).message).toMatch(/is a tag/);
  });

  test('the labels the harness\'s image builds set (base by tag + its image id) pass', () => {
    const labels = ociBaseLabels({ name: 'lambda-standin/python:3.13', digest: 'sha256:' + 'c'.repeat(64) });
    expect(labels).toEqual({ 'org.opencontainers.image.base.name': 'lambda-standin/python:3.13', 'org.opencontainers.image.base.digest': 'sha256:' + 'c'.repeat(64) });
    const verdict = imageBasePinnedRule.check(imageView([], {}, { labels }), TARGET);
    expect(verdict).toMatchObject({ level: 'pass', message: `base pinned: lambda-standin/python:3.13 sha256:${'c'.repeat(64)}` });
  });
});

describe('environment-secrets', () => {
  const check = (environment: Record<string, string>) => environmentSecretsRule.check(zipView([]), { ...TARGET, environment });

  test("the catalog's kind of environment passes: ARNs of secrets, names, empty values", () => {
    const verdict = check({
      DASHBOARD_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:preprod-sentiment/dashboard-api-key-AbCdEf',
      DYNAMODB_TABLE: 'preprod-sentiment-items',
      API_KEY: '',
      SSE_POLL_INTERVAL: '2',
    });
    expect(verdict.level).toBe('pass');
  });

  test('literal values under secret names fail, redacted', () => {
    const verdict = check({ NEWSAPI_KEY: 'f00dfeedcafe1234', DB_PASSWORD: 'hunter22', GITHUB_TOKEN_VALUE: 'abcdefghij' });
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence).toHaveLength(3);
    expect(verdict.evidence[0].detail).toBe('NEWSAPI_KEY is named like a secret and holds a literal value: f00d************ (16 chars)');
    expect(JSON.stringify(verdict)).not.toContain('hunter22');
  });

  test('an AWS access key id fails whatever the variable is called', () => {
    const verdict = check({ SETTINGS: 'region=us-east-1,id=AKIAIOSFODNN7EXAMPLE' });
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence[0].detail).toMatch(/an AWS access key id/);
  });

  test("an image's baked-in ENV is checked too", () => {
    expect(environmentSecretsRule.check(imageView([], {}, { env: { TOKENIZERS_PARALLELISM: 'false' } }), TARGET).level).toBe('pass');
    const view = imageView([], {}, { env: { PATH: '/usr/bin', API_TOKEN: 'xyz-literal-token' } });
    const verdict = environmentSecretsRule.check(view, TARGET);
    expect(verdict.level).toBe('fail');
    expect(verdict.evidence[0].file).toBe('(image ENV)');
  });
});
