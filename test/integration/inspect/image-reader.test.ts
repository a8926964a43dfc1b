/**
 * Inspection of real local images: built FROM the trixie rootfs (with gcc) carrying the
 * trixie-compiled library and the dashboard handler, read through `docker image inspect` and
 * `docker create` + `docker export`. An image brings its own glibc, so it is judged against it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HARNESS_LABEL, ensureDockerEngine, imageId, listContainerIds, removeImage } from '../../../harness/docker/engine';
import { buildImage } from '../../../harness/docker/image-build';
import { GlibcFixture, buildGlibcFixture } from '../../../harness/inspect/fixtures/glibc-fixture';
import { DASHBOARD_HANDLER } from '../../../harness/inspect/fixtures/lambda-zip-fixture';
import { formatInspectionReport } from '../../../harness/inspect/format';
import { readImageView } from '../../../harness/inspect/image-reader';
import { inspectImage } from '../../../harness/inspect/inspect';
import { BASE_DIGEST_LABEL } from '../../../harness/inspect/rules/image-base-pinned';
import { InspectionReport } from '../../../harness/inspect/types';
import { runInspectCli } from '../../../harness/cli/inspect';

jest.setTimeout(10 * 60 * 1000);

const RUN_ID = `${process.pid}-${Date.now()}`;
const ROOT_IMAGE = `sentiment-harness/inspect-fixture:root-${RUN_ID}`;
const HARDENED_IMAGE = `sentiment-harness/inspect-fixture:hardened-${RUN_ID}`;
const TARGET = { runtime: 'python3.13', architecture: 'x86_64' } as const;

let fixture: GlibcFixture;
let context: string;

async function build(tag: string, dockerfile: string): Promise<void> {
  fs.writeFileSync(path.join(context, 'Dockerfile'), dockerfile);
  await buildImage({ contextDir: context, tag, labels: { [HARNESS_LABEL]: '1' } });
}

function levels(report: InspectionReport): Record<string, string> {
  return Object.fromEntries(report.verdicts.map((verdict) => [verdict.rule, verdict.level]));
}

beforeAll(async () => {
  await ensureDockerEngine();
  fixture = await buildGlibcFixture(fs.readFileSync(DASHBOARD_HANDLER, 'utf8'));
  context = fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-image-'));
  fs.copyFileSync(DASHBOARD_HANDLER, path.join(context, 'handler.py'));
  fs.mkdirSync(path.join(context, 'fresh_native'));
  fs.writeFileSync(path.join(context, 'fresh_native', '__init__.py'), '');
  fs.copyFileSync(fixture.libraryPath, path.join(context, 'fresh_native', path.basename(fixture.libraryPath)));
  // As many Dockerfiles are written: root user, base by tag, the runtime client launched by python3.
  await build(
    ROOT_IMAGE,
    `FROM ${fixture.compilerImage}
COPY handler.py /var/task/
COPY fresh_native /var/task/fresh_native/
WORKDIR /var/task
ENTRYPOINT ["/usr/bin/python3", "-m", "awslambdaric"]
CMD ["handler.lambda_handler"]
`,
  );
  const baseDigest = await imageId(fixture.compilerImage);
  await build(
    HARDENED_IMAGE,
    `FROM ${ROOT_IMAGE}
LABEL ${BASE_DIGEST_LABEL}="${baseDigest}"
ENV API_TOKEN=a-literal-token-baked-in
USER 1000
ENTRYPOINT ["/lambda-entrypoint.sh"]
`,
  );
});

afterAll(async () => {
  for (const image of [HARDENED_IMAGE, ROOT_IMAGE]) await removeImage(image).catch(() => undefined);
  if (context) fs.rmSync(context, { recursive: true, force: true });
});

test('the reader sees the config, the task root, the image libc, links, and leaves no container behind', async () => {
  const view = await readImageView(ROOT_IMAGE);
  expect(view.image).toMatchObject({ user: '', entrypoint: ['/usr/bin/python3', '-m', 'awslambdaric'], cmd: ['handler.lambda_handler'], workingDir: '/var/task' });
  expect(view.codeRoot).toBe('var/task/');
  const native = view.files.find((file) => file.path === `var/task/${fixture.entryName}`);
  expect(native?.elf?.machine).toBe(62);
  const libc = view.files.find((file) => /(^|\/)libc\.so\.6$/.test(file.path));
  expect(libc?.elf?.versionDefinitions).toContain('GLIBC_2.41');
  expect(view.symlinks?.get('usr/bin/python3')).toMatch(/python3\.13$/);
  expect(view.allPaths?.has('var/task/handler.py')).toBe(true);
  expect(view.unzippedBytes).toBeGreaterThan(100 * 1024 * 1024);
  expect(await listContainerIds({ ancestor: [ROOT_IMAGE] })).toEqual([]);
});

test('a root image with its base by tag: user fails, pin warns; the trixie library passes against the image glibc 2.41', async () => {
  const report = await inspectImage(ROOT_IMAGE, TARGET);
  expect(levels(report)).toMatchObject({
    'image-user': 'fail',
    'image-base-pinned': 'warn',
    'image-entrypoint': 'pass',
    'handler-module': 'pass',
    'elf-machine': 'pass',
    'elf-symbol-versions': 'pass',
    'extension-abi': 'pass',
    'image-size': 'pass',
    'environment-secrets': 'pass',
  });
  const symbols = report.verdicts.find((verdict) => verdict.rule === 'elf-symbol-versions')!;
  expect(symbols.message).toMatch(/the image's \/usr\/lib\/x86_64-linux-gnu\/libc\.so\.6/);
  expect(symbols.message).toMatch(/GLIBC 2\.41/);
  expect(formatInspectionReport(report)).toMatch(/FAIL {2}image-user: image runs as root/);
});

test('a non-root, digest-pinned image whose entrypoint is missing and whose ENV holds a token fails on exactly those', async () => {
  const report = await inspectImage(HARDENED_IMAGE, TARGET);
  expect(levels(report)).toMatchObject({
    'image-user': 'pass',
    'image-base-pinned': 'pass',
    'image-entrypoint': 'fail',
    'environment-secrets': 'fail',
  });
  const entrypoint = report.verdicts.find((verdict) => verdict.rule === 'image-entrypoint')!;
  expect(entrypoint.message).toBe("ENTRYPOINT starts '/lambda-entrypoint.sh', which does not exist in the image");
  const secrets = report.verdicts.find((verdict) => verdict.rule === 'environment-secrets')!;
  expect(secrets.evidence[0]).toMatchObject({ file: '(image ENV)' });
  expect(JSON.stringify(report)).not.toContain('a-literal-token-baked-in');
});

test('npm run inspect on an image: exit 1 on a fail; an unknown image exits 2 saying it reads local images only', async () => {
  let out = '';
  let err = '';
  const io = { out: (text: string) => (out += text), err: (text: string) => (err += text) };
  expect(await runInspectCli([ROOT_IMAGE, '--quiet'], io)).toBe(1);
  expect(out).toMatch(/FAIL {2}image-user/);
  expect(await runInspectCli([`sentiment-harness/does-not-exist:${RUN_ID}`], io)).toBe(2);
  expect(err).toMatch(/reads local images only/);
});
