/**
 * A CycloneDX SBOM per artifact, written by cyclonedx-py (the `cyclonedx-bom` package from PyPI,
 * pinned in requirements-dev.txt, run from .work/venv: offline once installed) from the Python
 * distributions the artifact really ships: the extracted ZIP, or the image's `/var/task`,
 * `/var/runtime` and interpreter paths. Stored beside the artifact as `<contentHash>.cdx.json`,
 * with a reproducible body (no timestamp, no random serial), so it is named by its sha256 too.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HarnessContainer, runToCompletion } from '../docker/harness-container';
import { ensurePythonVenv, runVenvTool } from './python-venv';
import { lastLines } from '../process/output-tail';

export const SBOM_SUFFIX = '.cdx.json';

/** What the manifest and reports/verify.json record about an artifact's SBOM. */
export interface SbomReference {
  /** Absolute path of the CycloneDX JSON file. */
  readonly path: string;
  /** sha256 hex of its bytes. */
  readonly sha256: string;
  /** How many components (Python distributions) it lists. */
  readonly components: number;
}

export interface SbomSubject {
  /** The function's name: the SBOM's main component. */
  readonly functionName: string;
  /** The artifact's content hash: the main component's version. */
  readonly contentHash: string;
  readonly kind: 'zip' | 'image';
}

export function sbomPathFor(artifactsDir: string, contentHash: string): string {
  return path.join(artifactsDir, `${contentHash}${SBOM_SUFFIX}`);
}

/** The SBOM already written for this artifact, or undefined. */
export function existingSbom(file: string): SbomReference | undefined {
  if (!fs.existsSync(file)) return undefined;
  return describeSbom(file);
}

export function describeSbom(file: string): SbomReference {
  const bytes = fs.readFileSync(file);
  const bom = JSON.parse(bytes.toString('utf8')) as { components?: unknown[] };
  return { path: file, sha256: createHash('sha256').update(bytes).digest('hex'), components: bom.components?.length ?? 0 };
}

/**
 * cyclonedx-py's `environment` command asks an interpreter for its `sys.path` and lists the
 * distributions found there. We answer for the artifact: a stand-in "interpreter" that prints
 * exactly the artifact's directories, so nothing of the harness's own venv leaks into the SBOM.
 */
function pathReporter(dirs: readonly string[]): string {
  const env = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-path-'));
  fs.mkdirSync(path.join(env, 'bin'));
  const script = path.join(env, 'bin', 'python');
  fs.writeFileSync(script, `#!/bin/sh\n# Answers cyclonedx-py's sys.path query with the artifact's directories only.\nprintf '%s' '${JSON.stringify(dirs).replace(/'/g, `'\\''`)}'\n`, { mode: 0o755 });
  return env;
}

/** Writes the SBOM of the distributions under `dirs` to `file` (atomically). */
export async function writeSbom(dirs: readonly string[], file: string, subject: SbomSubject): Promise<SbomReference> {
  await ensurePythonVenv();
  const reporter = pathReporter(dirs);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // --no-validate: schema validation costs ~18 s of start-up per SBOM (measured); the tool's
    // own serializer writes the schema's shape, and the tests parse what it wrote.
    const result = await runVenvTool('cyclonedx-py', ['environment', '--no-validate', '--output-reproducible', '--of', 'JSON', '--sv', '1.6', '-o', temporary, reporter]);
    if (result.code !== 0) {
      throw new Error(
        `cyclonedx-py could not write the SBOM of ${subject.functionName}: ${lastLines(result.stderr, 6).join('\n  ')}\n` +
          '  Likely cause: cyclonedx-bom missing from .work/venv (re-run scripts/setup-python.sh), or an unreadable dist-info.',
      );
    }
    const bom = JSON.parse(fs.readFileSync(temporary, 'utf8')) as Record<string, unknown> & { metadata?: Record<string, unknown> };
    // The main component is the artifact itself, named by the function and its content hash.
    bom.metadata = {
      ...bom.metadata,
      component: {
        type: 'application',
        'bom-ref': `${subject.functionName}@${subject.contentHash}`,
        name: subject.functionName,
        version: subject.contentHash,
        description: `${subject.kind === 'zip' ? 'Lambda ZIP' : 'Lambda container image'} of the catalog function '${subject.functionName}'`,
      },
    };
    fs.writeFileSync(temporary, JSON.stringify(bom, null, 2) + '\n');
    fs.renameSync(temporary, file);
    return describeSbom(file);
  } finally {
    fs.rmSync(reporter, { recursive: true, force: true });
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * The Python distribution metadata (`*.dist-info`, `*.egg-info`) of an image, copied out of a
 * throwaway container into `into/<n>/` per path (run as the host user, no network); the image's
 * interpreter names its own paths. Metadata only: torch's 700 MB stay in the image.
 */
export async function copyImageDistributions(tag: string, into: string): Promise<string[]> {
  fs.mkdirSync(into, { recursive: true });
  const script = [
    'import os, shutil, sys',
    "roots = list(dict.fromkeys(p for p in ['/var/task', '/var/runtime', *sys.path] if p and os.path.isdir(p)))",
    'for i, root in enumerate(roots):',
    '    for name in sorted(os.listdir(root)):',
    "        if name.endswith(('.dist-info', '.egg-info')) and os.path.isdir(os.path.join(root, name)):",
    "            shutil.copytree(os.path.join(root, name), os.path.join('/out', str(i), name), ignore=shutil.ignore_patterns('RECORD'))",
    "    os.makedirs(os.path.join('/out', str(i)), exist_ok=True)",
  ].join('\n');
  const user = typeof process.getuid === 'function' ? `${process.getuid()}:${process.getgid?.() ?? process.getuid()}` : '0:0';
  await runToCompletion(new HarnessContainer(tag, 'sbom-dist-info').withNetworkMode('none').withUser(user)
    .withEnvironment({ PYTHONPATH: '' }).withBindMounts([{ source: into, target: '/out', mode: 'rw' }])
    .withEntrypoint(['/var/lang/bin/python3']).withCommand(['-c', script]));
  return fs.readdirSync(into).sort((a, b) => Number(a) - Number(b)).map((name) => path.join(into, name));
}
