/**
 * The local STAND-IN for the official Lambda Python image, and its BUILD variant:
 *   lambda-standin/python:<version>        runs functions (awslambdaric, /var/task, sbx_user1051)
 *   lambda-standin/python:<version>-build  installs ZIP dependencies (root, pip, _manylinux hook)
 * Built from a Debian rootfs (see rootfs.ts) with the recipe in ./standin/. Rebuilt when missing
 * or when the recipe changed (a label records the recipe's hash); Docker's layer cache keeps a
 * recipe-only rebuild short.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PythonRuntime, RuntimeFacts, runtimeFacts } from '../../model/runtimes';
import { lastLines } from '../process/output-tail';
import { DockerEngineError, HARNESS_LABEL, imageId, inspectImage } from '../docker/engine';
import { HarnessContainer, runToCompletion } from '../docker/harness-container';
import { ImageBuildProps, buildImage as engineBuildImage } from '../docker/image-build';
import { ProgressLog, lineSplitter, silentLog, timedStep, withoutBuilderBanner } from '../build/progress';
import { ensureRootfsImage } from './rootfs';
import { withFileLock } from './file-lock';
import { extraCertificates, hostCaBundlePath } from './host-ca-certificates';

/** Pinned so that a rebuilt stand-in has the same runtime client and SDK. */
export const AWSLAMBDARIC_VERSION = '4.2.2';
export const BOTO3_VERSION = '1.44.5';

const RECIPE_DIR = path.join(__dirname, 'standin');
const RECIPE_FILES = ['Dockerfile', 'Dockerfile.build', 'bootstrap', 'bootstrap.py', 'lambda-entrypoint.sh', '_manylinux.py.template'];

/** Image labels: what the stand-in is, for reports and for the recipe check. */
export const STANDIN_LABELS = {
  standin: 'sentiment.standin',
  recipe: 'sentiment.standin.recipe',
  runtime: 'sentiment.standin.runtime',
  debianSuite: 'sentiment.standin.debian-suite',
  pythonVersion: 'sentiment.standin.python-version',
  glibc: 'sentiment.standin.glibc',
  awslambdaric: 'sentiment.standin.awslambdaric',
  targetGlibc: 'sentiment.standin.target-glibc',
  extraCas: 'sentiment.standin.extra-ca-certificates',
} as const;

export function standinImageName(runtime: PythonRuntime): string {
  return `lambda-standin/python:${runtimeFacts(runtime).pythonVersion}`;
}

export function standinBuildImageName(runtime: PythonRuntime): string {
  return `${standinImageName(runtime)}-build`;
}

export interface StandinImages {
  readonly image: string;
  readonly buildImage: string;
  /** `sha256:...` id of `image`. */
  readonly imageId: string;
  readonly debianSuite: string;
  /** Full interpreter version, e.g. `3.13.5`. */
  readonly pythonVersion: string;
  /** glibc of the stand-in itself (Debian's), e.g. `2.41`. */
  readonly glibc: string;
  readonly awslambdaricVersion: string;
  /** "stand-in lambda-standin/python:3.13 (Debian trixie, Python 3.13.5, awslambdaric 4.2.2)" */
  readonly description: string;
  /** True when this call built (or rebuilt) anything. */
  readonly built: boolean;
}

export interface EnsureStandinOptions {
  /** @default silent */
  readonly log?: ProgressLog;
  /** Rebuild both images even when they are present and current (the rootfs is kept). @default false */
  readonly rebuild?: boolean;
}

/** Returns the stand-in pair for `runtime`, building what is missing or out of date. */
export async function ensureStandinImages(runtime: PythonRuntime, options: EnsureStandinOptions = {}): Promise<StandinImages> {
  const facts = runtimeFacts(runtime);
  if (!facts.standInDebianSuite) {
    throw new Error(
      `No local stand-in exists for ${runtime}: no Debian release ships Python ${facts.pythonVersion} as its python3. ` +
        `Use the official image (${facts.officialImage}: docker pull or docker load it), or pick python3.13 / python3.11.`,
    );
  }
  const log = options.log ?? silentLog;
  const image = standinImageName(runtime);
  const buildImage = standinBuildImageName(runtime);
  const rootfs = await ensureRootfsImage(facts.standInDebianSuite, { log });
  const recipe = recipeHash(facts, await imageIdOf(rootfs));

  const current = async (): Promise<boolean> =>
    (await labelOf(image, STANDIN_LABELS.recipe)) === recipe && (await labelOf(buildImage, STANDIN_LABELS.recipe)) === recipe;

  let built = false;
  if (options.rebuild || !(await current())) {
    await withFileLock(`standin-${runtime}`, async () => {
      if (!options.rebuild && (await current())) return; // another process built it while we waited
      await buildPair(facts, rootfs, recipe, log);
      built = true;
    }, { onWait: (holder) => log(`[images] waiting for ${holder} to finish building ${image}`) });
  }
  return describeStandin(runtime, built);
}

/** Reads a present stand-in's facts from its labels; throws when it is not there. */
export async function describeStandin(runtime: PythonRuntime, built = false): Promise<StandinImages> {
  const image = standinImageName(runtime);
  const info = await inspectImage(image);
  if (!info) throw new DockerEngineError(`inspect image ${image}`, `No such image: ${image} (build it with \`npm run images\`)`, 404);
  const id = info.Id;
  const labels: Record<string, string> = info.Config?.Labels ?? {};
  const debianSuite = labels[STANDIN_LABELS.debianSuite] ?? 'unknown';
  const pythonVersion = labels[STANDIN_LABELS.pythonVersion] ?? 'unknown';
  const awslambdaricVersion = labels[STANDIN_LABELS.awslambdaric] ?? 'unknown';
  return {
    image,
    buildImage: standinBuildImageName(runtime),
    imageId: id,
    debianSuite,
    pythonVersion,
    glibc: labels[STANDIN_LABELS.glibc] ?? 'unknown',
    awslambdaricVersion,
    description: `stand-in ${image} (Debian ${debianSuite}, Python ${pythonVersion}, awslambdaric ${awslambdaricVersion})`,
    built,
  };
}

async function buildPair(facts: RuntimeFacts, rootfs: string, recipe: string, log: ProgressLog): Promise<void> {
  const image = standinImageName(facts.runtime);
  const buildImage = standinBuildImageName(facts.runtime);
  const probe = await runToCompletion(new HarnessContainer(rootfs, 'standin-probe').withNetworkMode('none')
    .withCommand(['python3', '-c', 'import platform; print(platform.python_version(), platform.libc_ver()[1])']));
  const [pythonVersion, glibc] = probe.stdout.trim().split(/\s+/);
  if (!pythonVersion.startsWith(`${facts.pythonVersion}.`)) {
    throw new Error(
      `The Debian ${facts.standInDebianSuite} rootfs (${rootfs}) has Python ${pythonVersion}, but ${facts.runtime} needs ${facts.pythonVersion}.x. ` +
        `Remove the image (docker rmi ${rootfs}) so it is rebuilt, or check runtimes.ts's standInDebianSuite.`,
    );
  }
  const [glibcMajor, glibcMinor] = facts.glibc.split('.');
  const context = fs.mkdtempSync(path.join(os.tmpdir(), `standin-${facts.runtime}-`));
  try {
    for (const file of RECIPE_FILES) fs.copyFileSync(path.join(RECIPE_DIR, file), path.join(context, file));
    fs.writeFileSync(path.join(context, '_manylinux.py'), renderManylinuxModule(facts));
    fs.chmodSync(path.join(context, 'bootstrap'), 0o755);
    fs.chmodSync(path.join(context, 'lambda-entrypoint.sh'), 0o755);
    const extraCas = await writeExtraCaCertificates(rootfs, path.join(context, 'extra-ca-certificates'));
    if (extraCas > 0) log(`[images] adding ${extraCas} CA certificate(s) the host trusts beyond Debian's (${hostCaBundlePath()})`);
    const labels = {
      [HARNESS_LABEL]: '1',
      [STANDIN_LABELS.standin]: 'true',
      [STANDIN_LABELS.recipe]: recipe,
      [STANDIN_LABELS.runtime]: facts.runtime,
      [STANDIN_LABELS.debianSuite]: facts.standInDebianSuite,
      [STANDIN_LABELS.pythonVersion]: pythonVersion,
      [STANDIN_LABELS.glibc]: glibc,
      [STANDIN_LABELS.awslambdaric]: AWSLAMBDARIC_VERSION,
      [STANDIN_LABELS.extraCas]: String(extraCas),
      'org.opencontainers.image.title': `Local STAND-IN for ${facts.officialImage} (not the AWS image)`,
      'org.opencontainers.image.description':
        `Debian ${facts.standInDebianSuite} + Python ${pythonVersion} + awslambdaric ${AWSLAMBDARIC_VERSION}, with the Lambda image contract`,
    };
    await timedStep(log, '[images]', `docker build ${image}`, () =>
      dockerBuild(log, {
        contextDir: context,
        dockerfile: 'Dockerfile',
        buildArgs: {
          ROOTFS_IMAGE: rootfs,
          PYTHON_VERSION: facts.pythonVersion,
          RUNTIME: facts.runtime,
          AWSLAMBDARIC_VERSION,
          BOTO3_VERSION,
        },
        labels,
        tag: image,
      }),
    );
    await timedStep(log, '[images]', `docker build ${buildImage}`, () =>
      dockerBuild(log, {
        contextDir: context,
        dockerfile: 'Dockerfile.build',
        buildArgs: { STANDIN_IMAGE: image },
        labels: {
          ...labels,
          [STANDIN_LABELS.targetGlibc]: `${glibcMajor}.${glibcMinor}`,
          'org.opencontainers.image.title': `Local STAND-IN build image for ${facts.runtime} (pip capped at glibc ${facts.glibc})`,
        },
        tag: buildImage,
      }),
    );
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

/** The PEP 600 module that caps pip's manylinux tags at the TARGET runtime's glibc. */
export function renderManylinuxModule(facts: RuntimeFacts): string {
  const [major, minor] = facts.glibc.split('.');
  const template = fs.readFileSync(path.join(RECIPE_DIR, '_manylinux.py.template'), 'utf8');
  return template
    .replace(/@RUNTIME@/g, facts.runtime)
    .replace(/@OS@/g, facts.os)
    .replace(/@GLIBC@/g, facts.glibc)
    .replace(/@GLIBC_MAJOR@/g, String(Number(major)))
    .replace(/@GLIBC_MINOR@/g, String(Number(minor)));
}

function recipeHash(facts: RuntimeFacts, rootfsId: string): string {
  const hash = createHash('sha256');
  for (const file of RECIPE_FILES) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(RECIPE_DIR, file)));
  }
  const caBundle = hostCaBundlePath();
  hash.update(caBundle ? fs.readFileSync(caBundle) : 'no host CA bundle');
  hash.update(JSON.stringify({ facts, rootfsId, AWSLAMBDARIC_VERSION, BOTO3_VERSION }));
  return hash.digest('hex').slice(0, 16);
}

/** Writes one .crt per host CA the rootfs lacks into `dir` (created, maybe empty); returns the count. */
async function writeExtraCaCertificates(rootfs: string, dir: string): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  const bundle = hostCaBundlePath();
  if (!bundle) return 0;
  const { stdout: imageBundle } = await runToCompletion(new HarnessContainer(rootfs, 'standin-ca-probe').withNetworkMode('none')
    .withCommand(['cat', '/etc/ssl/certs/ca-certificates.crt']));
  const extras = extraCertificates(fs.readFileSync(bundle, 'utf8'), imageBundle);
  extras.forEach((pem, index) => fs.writeFileSync(path.join(dir, `host-${String(index + 1).padStart(3, '0')}.crt`), `${pem}\n`));
  return extras.length;
}

async function dockerBuild(log: ProgressLog, props: Omit<ImageBuildProps, 'onOutput'>): Promise<void> {
  const progress = lineSplitter(log, '[images]  ');
  try {
    await engineBuildImage({ ...props, networkMode: 'host', onOutput: progress });
  } catch (error) {
    if (error instanceof DockerEngineError) {
      throw new Error(
        `Building the Lambda stand-in failed (docker build ${props.tag} ...):\n    ${lastLines(withoutBuilderBanner(error.detail), 10).join('\n    ')}\n` +
          '  Likely cause: pip or apt inside the build could not reach PyPI / the Debian mirror. Check network access.',
      );
    }
    throw error;
  } finally {
    progress(undefined);
  }
}

async function imageIdOf(reference: string): Promise<string> {
  return imageId(reference);
}

async function labelOf(reference: string, label: string): Promise<string | undefined> {
  const value = (await inspectImage(reference))?.Config?.Labels?.[label];
  return value ? value : undefined;
}
