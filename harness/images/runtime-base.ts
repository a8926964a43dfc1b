/**
 * Picks the runtime image a function is built with and booted on, and says which one it was.
 *   official: public.ecr.aws/lambda/python:<v>, if present locally or pullable (one short try)
 *   standin:  lambda-standin/python:<v>, built locally when missing (see standin-image.ts)
 *   auto:     official when it can be had, else the stand-in
 * The default choice comes from the LAMBDA_BASE environment variable (auto when unset).
 */
import { Architecture, PythonRuntime, assertArchitecture, runtimeFacts } from '../../model/runtimes';
import { RuntimeBase } from '../build/artifact';
import { DockerEngineError, ensureDockerEngine, inspectImage, pullImage } from '../docker/engine';
import { lastLines } from '../process/output-tail';
import { ProgressLog, silentLog } from '../build/progress';
import { ensureStandinImages } from './standin-image';
import { ConfigurationError, EnvironmentUnavailableError } from '../../model/error-codes';

export type BaseChoice = 'auto' | 'official' | 'standin';
export const BASE_CHOICES: readonly BaseChoice[] = ['auto', 'official', 'standin'];

/** How long the one `docker pull` of the official image may take before we give up on it. */
export const OFFICIAL_PULL_TIMEOUT_MS = 20_000;

/** Validates a choice from an option or LAMBDA_BASE, with a message that says what to use. */
export function parseBaseChoice(value: string | undefined, source = 'LAMBDA_BASE'): BaseChoice {
  if (value === undefined || value === '') return 'auto';
  if ((BASE_CHOICES as readonly string[]).includes(value)) return value as BaseChoice;
  throw new ConfigurationError(`${source} must be one of ${BASE_CHOICES.join(', ')}, got '${value}'.`);
}

/** The choice LAMBDA_BASE asks for, `auto` when unset. */
export function defaultBaseChoice(): BaseChoice {
  return parseBaseChoice(process.env.LAMBDA_BASE);
}

/** The Lambda architecture of the machine the engine runs on (what the stand-in can be built for). */
export function hostArchitecture(): Architecture {
  switch (process.arch) {
    case 'x64':
      return 'x86_64';
    case 'arm64':
      return 'arm64';
    default:
      throw new Error(`This machine's architecture (${process.arch}) is neither x86_64 nor arm64, which are Lambda's only architectures.`);
  }
}

export interface ResolveRuntimeBaseOptions {
  /** Rebuild the stand-in images even when present and current. @default false */
  readonly rebuildStandin?: boolean;
}

export async function resolveRuntimeBase(
  runtime: PythonRuntime,
  architecture: Architecture,
  choice: BaseChoice = defaultBaseChoice(),
  log: ProgressLog = silentLog,
  options: ResolveRuntimeBaseOptions = {},
): Promise<RuntimeBase> {
  const facts = runtimeFacts(runtime);
  assertArchitecture(architecture);
  parseBaseChoice(choice, 'The base choice');
  await ensureDockerEngine();

  if (choice !== 'standin') {
    const official = await findOfficialImage(facts.officialImage, architecture, log);
    if (official) {
      return {
        runtime,
        architecture,
        kind: 'official',
        image: facts.officialImage,
        // The official image carries pip and is Amazon Linux itself: it installs ZIP deps too.
        buildImage: facts.officialImage,
        imageId: official.id,
        description: `official ${facts.officialImage} (${official.id.slice(0, 19)}, ${official.os}/${official.arch})`,
      };
    }
    if (choice === 'official') {
      throw new EnvironmentUnavailableError(
        [
          `The official base ${facts.officialImage} (${architecture}) was asked for (--base official or LAMBDA_BASE=official), but it is not in the local engine and could not be pulled.`,
          '  Fix: docker pull it where a registry is reachable (or docker load a saved copy),',
          '  or use the local stand-in: --base standin (LAMBDA_BASE=standin), or --base auto to fall back to it.',
        ].join('\n'),
      );
    }
    log(`[images] ${facts.officialImage} unavailable; using the local stand-in`);
  }

  const host = hostArchitecture();
  if (architecture !== host) {
    throw new Error(
      [
        `Cannot run ${runtime} on ${architecture} here: this machine is ${host}, and the local stand-in is built for the host's architecture only.`,
        `  The official ${architecture} image (${facts.officialImage}) is not available locally either.`,
        `  Fix: build and verify on a ${architecture} machine, or make the official ${architecture} image available (with QEMU binfmt),`,
        `  or declare architecture '${host}' for the function.`,
      ].join('\n'),
    );
  }
  const standin = await ensureStandinImages(runtime, { log, rebuild: options.rebuildStandin });
  return {
    runtime,
    architecture,
    kind: 'standin',
    image: standin.image,
    buildImage: standin.buildImage,
    imageId: standin.imageId,
    description: standin.description,
  };
}

interface OfficialImage {
  readonly id: string;
  readonly os: string;
  readonly arch: string;
}

/** Images whose pull already failed in this process: one try each, not one per function. */
const failedPulls = new Set<string>();

/** The official image if it is here (or one pull gets it) for the asked architecture. */
async function findOfficialImage(reference: string, architecture: Architecture, log: ProgressLog): Promise<OfficialImage | undefined> {
  const wantArch = architecture === 'x86_64' ? 'amd64' : 'arm64';
  const inspect = async (): Promise<OfficialImage | undefined> => {
    const info = await inspectImage(reference);
    if (!info) return undefined;
    return info.Architecture === wantArch ? { id: info.Id, os: info.Os, arch: info.Architecture } : undefined;
  };
  const present = await inspect();
  if (present) return present;
  const pullKey = `${reference} linux/${wantArch}`;
  if (failedPulls.has(pullKey)) return undefined;
  try {
    log(`[images] docker pull ${reference} (one try, ${OFFICIAL_PULL_TIMEOUT_MS / 1000} s limit)`);
    await pullImage(reference, { platform: `linux/${wantArch}`, timeoutMs: OFFICIAL_PULL_TIMEOUT_MS });
  } catch (error) {
    const reason = error instanceof DockerEngineError ? (lastLines(error.detail, 1)[0] ?? '') : String(error);
    log(`[images] pull failed: ${reason || 'timed out'}`);
    failedPulls.add(pullKey);
    return undefined;
  }
  return inspect();
}
