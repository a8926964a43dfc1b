/**
 * Images the harness builds say which base they were built on, with the OCI annotation labels
 * (https://github.com/opencontainers/image-spec/blob/main/annotations.md) that rule
 * image-base-pinned reads, so the rule passes on them; the same Dockerfile built without those
 * labels still warns. Real `docker build` on the stand-in, real inspection of the result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageArtifact, RuntimeBase } from '../../../harness/build/artifact';
import { buildArtifact } from '../../../harness/build/build-artifact';
import { HARNESS_LABEL, ensureDockerEngine, inspectImage, removeImage } from '../../../harness/docker/engine';
import { OCI_BASE_DIGEST_LABEL, OCI_BASE_NAME_LABEL, buildImage } from '../../../harness/docker/image-build';
import { resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { inspectImage as inspectImageArtifact } from '../../../harness/inspect/inspect';
import { Verdict } from '../../../harness/inspect/types';
import { FunctionSpec } from '../../../model/function-spec';

jest.setTimeout(15 * 60 * 1000);

const TARGET = { runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler' } as const;
const UNLABELLED = `sentiment-harness/base-labels-fixture:plain-${process.pid}-${Date.now()}`;

/** As the catalog's image functions are written: the base comes in as BASE_IMAGE. */
const DOCKERFILE = `ARG BASE_IMAGE=public.ecr.aws/lambda/python:3.13
FROM \${BASE_IMAGE}
COPY handler.py \${LAMBDA_TASK_ROOT}/
CMD ["handler.lambda_handler"]
`;

function pinVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.find((verdict) => verdict.rule === 'image-base-pinned')!;
}

describe('OCI base labels on the images the harness builds', () => {
  let base: RuntimeBase;
  let dir: string;
  let built: ImageArtifact | undefined;

  beforeAll(async () => {
    await ensureDockerEngine();
    base = await resolveRuntimeBase('python3.13', 'x86_64', 'standin');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'base-labels-fn-'));
    fs.writeFileSync(path.join(dir, 'handler.py'), 'def lambda_handler(event, context):\n    return {"ok": True}\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  });
  afterAll(async () => {
    for (const tag of [built?.tag, UNLABELLED]) if (tag) await removeImage(tag).catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an image artifact carries the base it was built on (name and image id), and image-base-pinned passes on it', async () => {
    const spec: FunctionSpec = {
      name: 'baselabels', description: 'base labels fixture', sourceDir: dir, packaging: 'image', runtime: 'python3.13',
      architecture: 'x86_64', handler: 'handler.lambda_handler', memoryMb: 256, timeoutSeconds: 10, image: {},
    };
    built = (await buildArtifact(spec, { base, force: true })) as ImageArtifact;
    expect((await inspectImage(built.tag))?.Config.Labels).toMatchObject({
      [OCI_BASE_NAME_LABEL]: base.image,
      [OCI_BASE_DIGEST_LABEL]: base.imageId,
    });
    expect(base.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const report = await inspectImageArtifact(built.tag, TARGET);
    expect(pinVerdict(report.verdicts)).toMatchObject({ level: 'pass', message: `base pinned: ${base.image} ${base.imageId}` });
    expect(report.verdicts.filter((verdict) => verdict.level !== 'pass')).toEqual([]);
  });

  test('the same Dockerfile built without the labels still warns', async () => {
    await buildImage({ contextDir: dir, tag: UNLABELLED, buildArgs: { BASE_IMAGE: base.image }, labels: { [HARNESS_LABEL]: '1' } });
    const labels = (await inspectImage(UNLABELLED))?.Config.Labels ?? {};
    expect(labels[OCI_BASE_DIGEST_LABEL]).toBeUndefined();
    const report = await inspectImageArtifact(UNLABELLED, TARGET);
    expect(pinVerdict(report.verdicts)).toMatchObject({ level: 'warn', message: expect.stringMatching(/does not say which base it was built FROM by digest/) });
  });
});
