/**
 * Image inspection layer by layer (issue 11), on real images in the engine: the first inspection
 * reads every layer, an unchanged image is a cached verdict, an image whose top layer changed
 * reads that layer only, and the verdicts equal those of reading the whole exported filesystem.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HARNESS_LABEL, ensureDockerEngine, removeImage } from '../../../harness/docker/engine';
import { buildImage } from '../../../harness/docker/image-build';
import { resolveRuntimeBase } from '../../../harness/images/runtime-base';
import { inspectImage } from '../../../harness/inspect/inspect';
import { inspectCached } from '../../../harness/inspect/inspection-cache';
import { InspectionReport } from '../../../harness/inspect/types';

jest.setTimeout(10 * 60 * 1000);

const RUN_ID = `${process.pid}-${Date.now()}`;
const V1 = `sentiment-harness/layers-fixture:v1-${RUN_ID}`;
const V2 = `sentiment-harness/layers-fixture:v2-${RUN_ID}`;
const OPTIONS = { runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler' } as const;

let context: string;
let workDir: string;
let baseImage: string;

async function build(tag: string, handler: string): Promise<void> {
  fs.writeFileSync(path.join(context, 'handler.py'), handler);
  await buildImage({ contextDir: context, tag, buildArgs: { BASE_IMAGE: baseImage }, labels: { [HARNESS_LABEL]: '1' } });
}

function levels(report: InspectionReport): [string, string][] {
  return report.verdicts.map((verdict) => [verdict.rule, verdict.level]);
}

beforeAll(async () => {
  await ensureDockerEngine();
  baseImage = (await resolveRuntimeBase('python3.13', 'x86_64', 'standin', (line) => process.stderr.write(`${line}\n`))).image;
  context = fs.mkdtempSync(path.join(os.tmpdir(), 'image-layers-'));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-layers-work-'));
  fs.writeFileSync(path.join(context, 'lib.py'), 'VALUE = 1\n');
  fs.writeFileSync(path.join(context, 'Dockerfile'), [
    'ARG BASE_IMAGE',
    'FROM ${BASE_IMAGE}',
    'COPY lib.py /var/task/',
    'COPY handler.py /var/task/',
    'USER 993:993',
    'CMD ["handler.lambda_handler"]',
  ].join('\n'));
  await build(V1, 'def lambda_handler(event, context):\n    return 1\n');
});
afterAll(async () => {
  await removeImage(V2);
  await removeImage(V1);
  fs.rmSync(context, { recursive: true, force: true });
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('first inspection reads every layer and judges as the whole exported filesystem does', async () => {
  const layered = await inspectCached({ kind: 'image', tag: V1 }, OPTIONS, { workDir, rulePackVersion: 'test' });
  expect(layered.cachedAt).toBeUndefined();
  const [, read, total] = /^read (\d+) of (\d+) layers$/.exec(layered.readNote ?? '') ?? [];
  expect(Number(read)).toBeGreaterThanOrEqual(3);
  expect(read).toBe(total);
  const whole = await inspectImage(V1, OPTIONS);
  expect(levels(layered.report)).toEqual(levels(whole));
  expect(layered.report.passed).toBe(true);
});

test('an unchanged image is a cached verdict, with its date; force reads it again', async () => {
  const again = await inspectCached({ kind: 'image', tag: V1 }, OPTIONS, { workDir, rulePackVersion: 'test' });
  expect(again.cachedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  const forced = await inspectCached({ kind: 'image', tag: V1 }, OPTIONS, { workDir, rulePackVersion: 'test', force: true });
  expect(forced.cachedAt).toBeUndefined();
  expect(forced.readNote).toMatch(/^read (\d+) of \1 layers$/);
});

test('an edited handler is one new layer: only it is read, and the verdict matches a full read', async () => {
  await build(V2, 'def lambda_handler(event, context):\n    return 2\n');
  const layered = await inspectCached({ kind: 'image', tag: V2 }, OPTIONS, { workDir, rulePackVersion: 'test' });
  expect(layered.cachedAt).toBeUndefined();
  expect(layered.readNote).toMatch(/^read 1 of (\d+) layers \(\d+ from the layer cache\)$/);
  expect(levels(layered.report)).toEqual(levels(await inspectImage(V2, OPTIONS)));

  // A handler the image does not have fails the same way on both paths.
  const missing = { ...OPTIONS, handler: 'nowhere.lambda_handler' };
  const layeredMissing = await inspectCached({ kind: 'image', tag: V2 }, missing, { workDir, rulePackVersion: 'test' });
  expect(layeredMissing.report.passed).toBe(false);
  expect(levels(layeredMissing.report)).toEqual(levels(await inspectImage(V2, missing)));
});
