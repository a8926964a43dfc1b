/**
 * AWS's Runtime Interface Emulator (RIE), the second engine: the real binary, taken from the
 * `aws-sam-cli` wheel on PyPI (which ships it as `samcli/local/rapid/aws-lambda-rie-<arch>`),
 * at a pinned version, checked against pinned sha256 sums, cached under `.work/rie/`.
 *
 * Licence: aws-sam-cli and the RIE (github.com/aws/aws-lambda-runtime-interface-emulator) are
 * Apache-2.0; the wheel's `aws_sam_cli-<version>.dist-info/licenses/LICENSE` and `NOTICE` are
 * copied beside the cached binary.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { Architecture } from '../../model/runtimes';
import { DEFAULT_WORK_DIR } from '../build/build-artifact';
import { ProgressLog, silentLog } from '../build/progress';
import { withFileLock } from '../images/file-lock';
import { runProcess } from '../process/run-process';

export const SAM_CLI_VERSION = '1.170.0';
/** sha256 of `aws_sam_cli-1.170.0-py3-none-any.whl` as PyPI serves it. */
export const SAM_CLI_WHEEL_SHA256 = '24ebaf5ecba38dc1758089968cb89ab61e124b84e92a344fc7a2771a47f4d0bf';
/** sha256 of the RIE binaries inside that wheel. */
export const RIE_SHA256: Readonly<Record<Architecture, string>> = {
  x86_64: '6b1e686e62ab2baf5759c412c4864276ef2a88b094fca53ec070637ccba9b9a5',
  arm64: 'ec2e5d09633d853834c008b1ef264bf834b258a94d551d2b2074966494b39a21',
};

const WHEEL = `aws_sam_cli-${SAM_CLI_VERSION}-py3-none-any.whl`;
const LICENCE_ENTRIES = ['LICENSE', 'NOTICE'].map((name) => `aws_sam_cli-${SAM_CLI_VERSION}.dist-info/licenses/${name}`);

export interface RieBinaryOptions {
  /** @default `.work` of this checkout */
  readonly workDir?: string;
  readonly log?: ProgressLog;
}

/** Path of the verified RIE binary for `architecture`, downloading and extracting it once. */
export async function ensureRieBinary(architecture: Architecture, options: RieBinaryOptions = {}): Promise<string> {
  const dir = path.join(path.resolve(options.workDir ?? DEFAULT_WORK_DIR), 'rie', `aws-sam-cli-${SAM_CLI_VERSION}`);
  const binary = path.join(dir, `aws-lambda-rie-${architecture}`);
  // Checked once per process: hashing the binary at every container start would be counted in RIE's cold start.
  let verified = verifiedBinaries.get(binary);
  if (!verified) {
    verified = verifyOrFetch(architecture, dir, binary, options.log ?? silentLog);
    verifiedBinaries.set(binary, verified);
    verified.catch(() => verifiedBinaries.delete(binary));
  }
  return verified;
}

const verifiedBinaries = new Map<string, Promise<string>>();

async function verifyOrFetch(architecture: Architecture, dir: string, binary: string, log: ProgressLog): Promise<string> {
  if (fs.existsSync(binary) && sha256File(binary) === RIE_SHA256[architecture]) return binary;
  return withFileLock(`rie-${SAM_CLI_VERSION}`, async () => {
    if (fs.existsSync(binary) && sha256File(binary) === RIE_SHA256[architecture]) return binary;
    fs.mkdirSync(dir, { recursive: true });
    const download = fs.mkdtempSync(path.join(os.tmpdir(), 'rie-wheel-'));
    try {
      log(`[rie] pip download --no-deps aws-sam-cli==${SAM_CLI_VERSION} (the wheel carries AWS's Runtime Interface Emulator)`);
      await pipDownload(download);
      const wheel = path.join(download, WHEEL);
      if (!fs.existsSync(wheel)) throw new Error(`pip download did not produce ${WHEEL} in ${download}.`);
      const wheelSha = sha256File(wheel);
      if (wheelSha !== SAM_CLI_WHEEL_SHA256) {
        throw new Error(`${WHEEL} has sha256 ${wheelSha}, but ${SAM_CLI_WHEEL_SHA256} is pinned: refusing it (a different file under the same name?).`);
      }
      const wanted = [`samcli/local/rapid/aws-lambda-rie-${architecture}`, ...LICENCE_ENTRIES];
      const entries = await readZipEntries(wheel, wanted);
      const rie = entries.get(wanted[0]);
      if (!rie) throw new Error(`${WHEEL} has no ${wanted[0]}.`);
      const rieSha = createHash('sha256').update(rie).digest('hex');
      if (rieSha !== RIE_SHA256[architecture]) throw new Error(`${wanted[0]} has sha256 ${rieSha}, but ${RIE_SHA256[architecture]} is pinned.`);
      for (const entry of LICENCE_ENTRIES) {
        const content = entries.get(entry);
        if (content) fs.writeFileSync(path.join(dir, path.basename(entry)), content);
      }
      fs.writeFileSync(`${binary}.partial`, rie, { mode: 0o755 });
      fs.renameSync(`${binary}.partial`, binary);
      log(`[rie] ${binary} (sha256 ${rieSha.slice(0, 12)}, Apache-2.0: LICENSE and NOTICE beside it)`);
      return binary;
    } finally {
      fs.rmSync(download, { recursive: true, force: true });
    }
  });
}

async function pipDownload(into: string): Promise<void> {
  await runProcess('python3', ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '-d', into, `aws-sam-cli==${SAM_CLI_VERSION}`], {
    label: `pip download aws-sam-cli==${SAM_CLI_VERSION}`,
    tailLines: 6,
    hint: (_tail, startError) =>
      startError
        ? "python3 -m pip is needed once to fetch AWS's RIE: install Python 3 with pip."
        : 'Likely cause: PyPI is unreachable. The RIE engine needs that wheel once; it is cached under .work/rie/ afterwards.',
  });
}

function readZipEntries(zipPath: string, names: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return reject(openError ?? new Error(`cannot open ${zipPath}`));
      const found = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!names.includes(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(found));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
