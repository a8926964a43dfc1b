/**
 * Facts about the Lambda runtimes we target, and the images that stand for them locally.
 *
 * Static inspection checks artifacts against the *target* runtime (the glibc of Amazon Linux),
 * never against whatever base the harness happens to boot locally.
 */
import { ConfigurationError } from './error-codes';

export type PythonRuntime = 'python3.11' | 'python3.12' | 'python3.13';
export type Architecture = 'x86_64' | 'arm64';

export interface RuntimeFacts {
  /** Lambda runtime identifier, as in `aws_lambda_function.runtime`. */
  readonly runtime: PythonRuntime;
  /** `3.13` */
  readonly pythonVersion: string;
  /** CPython ABI tag used in wheel tags and extension suffixes: `cp313`. */
  readonly abiTag: string;
  /** Operating system the managed runtime runs on. */
  readonly os: 'Amazon Linux 2' | 'Amazon Linux 2023';
  /** Highest glibc symbol version the runtime provides (`GLIBC_x.y`). */
  readonly glibc: string;
  /** Highest libstdc++ symbol versions the runtime provides. */
  readonly glibcxx: string;
  readonly cxxabi: string;
  /** The official base image (needs a registry). */
  readonly officialImage: string;
  /** Debian release whose python3 has the same minor version, for the local stand-in. */
  readonly standInDebianSuite: string;
}

const RUNTIMES: Readonly<Record<PythonRuntime, RuntimeFacts>> = {
  'python3.11': {
    runtime: 'python3.11',
    pythonVersion: '3.11',
    abiTag: 'cp311',
    os: 'Amazon Linux 2',
    glibc: '2.26',
    glibcxx: '3.4.24',
    cxxabi: '1.3.11',
    officialImage: 'public.ecr.aws/lambda/python:3.11',
    standInDebianSuite: 'bookworm',
  },
  'python3.12': {
    runtime: 'python3.12',
    pythonVersion: '3.12',
    abiTag: 'cp312',
    os: 'Amazon Linux 2023',
    glibc: '2.34',
    glibcxx: '3.4.29',
    cxxabi: '1.3.13',
    officialImage: 'public.ecr.aws/lambda/python:3.12',
    // No Debian release ships 3.12 as its python3: only the official image serves it.
    standInDebianSuite: '',
  },
  'python3.13': {
    runtime: 'python3.13',
    pythonVersion: '3.13',
    abiTag: 'cp313',
    os: 'Amazon Linux 2023',
    glibc: '2.34',
    glibcxx: '3.4.29',
    cxxabi: '1.3.13',
    officialImage: 'public.ecr.aws/lambda/python:3.13',
    standInDebianSuite: 'trixie',
  },
};

export const SUPPORTED_RUNTIMES = Object.keys(RUNTIMES) as PythonRuntime[];
export const SUPPORTED_ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/** ELF `e_machine` values per Lambda architecture. */
export const ELF_MACHINE: Readonly<Record<Architecture, number>> = { x86_64: 62, arm64: 183 };

export function runtimeFacts(runtime: string): RuntimeFacts {
  const facts = (RUNTIMES as Record<string, RuntimeFacts | undefined>)[runtime];
  if (!facts) {
    throw new ConfigurationError(
      `Unsupported runtime '${runtime}'. Use one of: ${SUPPORTED_RUNTIMES.join(', ')}.`,
    );
  }
  return facts;
}

export function assertArchitecture(architecture: string): Architecture {
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(architecture)) {
    throw new ConfigurationError(
      `Unsupported architecture '${architecture}'. Use one of: ${SUPPORTED_ARCHITECTURES.join(', ')}.`,
    );
  }
  return architecture as Architecture;
}
