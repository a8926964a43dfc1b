/**
 * IMAGE artifacts built for real with `docker build` on the stand-in: tag by content hash,
 * labels, cache hit, the BASE_IMAGE / BUILDER_IMAGE build args and local wheels, the SBOM read
 * out of the image, and the dashboard's Dockerfile installing its hash-locked requirements.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageArtifact, RuntimeBase } from '../../../harness/build/artifact';
import { buildArtifact } from '../../../harness/build/build-artifact';
import { CONTENT_HASH_LABEL } from '../../../harness/build/image-builder';
import { HARNESS_LABEL, ensureDockerEngine, imageExists, inspectImage, removeImage } from '../../../harness/docker/engine';
import { HarnessContainer, runToCompletion } from '../../../harness/docker/harness-container';
import { resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { catalogEntry } from '../../../harness/machine-catalog';
import { FunctionSpec } from '../../../model/function-spec';

interface CycloneDx {
  readonly bomFormat: string;
  readonly metadata: { readonly component: { readonly name: string; readonly version: string } };
  readonly components: ReadonlyArray<{ readonly name: string; readonly version: string; readonly purl?: string }>;
}

function readBom(file: string): CycloneDx {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CycloneDx;
}

function versionsOf(bom: CycloneDx): string[] {
  return bom.components.map((c) => `${c.name.toLowerCase().replace(/[._]/g, '-')}==${c.version}`);
}

jest.setTimeout(15 * 60 * 1000);

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

describe('image builder (real docker build on the stand-in)', () => {
  let base: RuntimeBase;
  let dir: string;
  let wheelsDir: string;
  let spec: FunctionSpec;
  let workDir: string;
  const tags: string[] = [];
  const savedFindLinks = process.env.PIP_FIND_LINKS;

  beforeAll(async () => {
    await ensureDockerEngine();
    base = await resolveRuntimeBase('python3.13', 'x86_64', 'standin', log);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-fn-'));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-fn-work-'));
    wheelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-fn-wheels-'));
    fs.writeFileSync(path.join(wheelsDir, 'demo_local-1.0-py3-none-any.whl'), 'not really a wheel, only copied');
    process.env.PIP_FIND_LINKS = wheelsDir;
    fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(event, context):\n    return {"status": "ignored"}\n');
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      [
        'ARG BASE_IMAGE=public.ecr.aws/lambda/python:3.13',
        'ARG BUILDER_IMAGE=${BASE_IMAGE}',
        'FROM ${BUILDER_IMAGE} AS builder',
        'USER root',
        'COPY .local-wheels/ /tmp/.local-wheels/',
        'RUN ls /tmp/.local-wheels > /tmp/wheels.txt && python3 -c "import sys; print(sys.version.split()[0])" > /tmp/python.txt',
        'FROM ${BASE_IMAGE}',
        'ARG GREETING=none',
        'COPY --from=builder /tmp/wheels.txt /tmp/python.txt /opt/',
        'COPY handler.py ${LAMBDA_TASK_ROOT}/',
        'USER root',
        'RUN echo "$GREETING" > /opt/greeting.txt',
        'USER 993',
        'CMD ["handler.lambda_handler"]',
      ].join('\n'),
    );
    spec = {
      name: 'imgfixture', description: 'image fixture', sourceDir: dir, packaging: 'image', runtime: 'python3.13',
      architecture: 'x86_64', handler: 'handler.lambda_handler', memoryMb: 256, timeoutSeconds: 10,
      image: { buildArgs: { GREETING: 'from-the-catalog' }, localWheels: ['demo_local-*.whl'] },
    };
  });
  afterAll(async () => {
    process.env.PIP_FIND_LINKS = savedFindLinks;
    for (const tag of tags) await removeImage(tag).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(wheelsDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('builds, tags by content hash, labels, passes build args and local wheels; then hits the cache', async () => {
    const built = (await buildArtifact(spec, { base, workDir, log, force: true })) as ImageArtifact;
    tags.push(built.tag);
    expect(built.kind).toBe('image');
    expect(built.cacheHit).toBe(false);
    expect(built.tag).toBe(`sentiment/imgfixture:${built.contentHash.slice(0, 12)}`);
    expect(built.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(built.bytes).toBeGreaterThan(0);
    expect((await inspectImage(built.tag))?.Config.Labels).toMatchObject({ [HARNESS_LABEL]: '1', [CONTENT_HASH_LABEL]: built.contentHash });

    const { stdout } = await runToCompletion(new HarnessContainer(built.tag, 'image-builder-test').withEntrypoint(['/bin/sh'])
      .withCommand(['-c', 'cat /opt/wheels.txt /opt/python.txt /opt/greeting.txt; ls /var/task; id -u']));
    expect(stdout.trim().split('\n')).toEqual(['demo_local-1.0-py3-none-any.whl', expect.stringMatching(/^3\.13\.\d+$/), 'from-the-catalog', 'handler.py', '993']);

    // The SBOM is read out of the image: the runtime's own distributions ship in it too.
    expect(built.sbom!.path).toBe(path.join(workDir, 'artifacts', 'imgfixture', `${built.contentHash}.cdx.json`));
    const bom = readBom(built.sbom!.path);
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.metadata.component).toMatchObject({ name: 'imgfixture', version: built.contentHash });
    expect(versionsOf(bom)).toEqual(expect.arrayContaining([expect.stringMatching(/^awslambdaric==\d/)]));

    const again = (await buildArtifact(spec, { base, workDir, log })) as ImageArtifact;
    expect(again).toMatchObject({ cacheHit: true, buildMs: 0, tag: built.tag, imageId: built.imageId, sbom: built.sbom });
  });

  it('gives a new tag when the sources change, and says what is missing when a local wheel is absent', async () => {
    const first = (await buildArtifact(spec, { base, workDir, log })) as ImageArtifact;
    fs.appendFileSync(path.join(dir, 'handler.py'), '# changed\n');
    const second = (await buildArtifact(spec, { base, workDir, log })) as ImageArtifact;
    tags.push(second.tag);
    expect(second.tag).not.toBe(first.tag);
    expect(second.cacheHit).toBe(false);
    expect(await imageExists(second.tag)).toBe(true);
    await expect(buildArtifact({ ...spec, image: { localWheels: ['torch-*-cp399-*.whl'] } }, { base, workDir, log })).rejects.toThrow(
      /No wheel matching 'torch-\*-cp399-\*\.whl' in the PIP_FIND_LINKS directories/,
    );
  });

  it("the dashboard image installs its requirements.lock with --require-hashes; its SBOM lists each locked version", async () => {
    const dashboard: FunctionSpec = { ...catalogEntry('dashboard'), packaging: 'image' };
    const built = (await buildArtifact(dashboard, { base, workDir, log })) as ImageArtifact;
    tags.push(built.tag);
    const lock = fs.readFileSync(path.join(__dirname, '../../../lambdas/dashboard/requirements.lock'), 'utf8');
    const locked = [...lock.matchAll(/^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)/gm)].map(([, name, version]) => `${name.toLowerCase().replace(/[._]/g, '-')}==${version}`);
    expect(locked).toContain('fastapi==0.121.3');
    expect(versionsOf(readBom(built.sbom!.path))).toEqual(expect.arrayContaining(locked));
  });
});
