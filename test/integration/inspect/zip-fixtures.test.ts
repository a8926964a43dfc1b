/**
 * Static inspection of real artifacts: wheels fetched from PyPI with `pip download --platform
 * --python-version --only-binary=:all:`, and a library compiled with gcc inside a Debian trixie
 * container (glibc 2.41). Each broken artifact fails with the file, what it needs and what the
 * runtime has; the dashboard-like artifact passes with no warning at all.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { GlibcFixture, buildGlibcFixture } from '../../../harness/inspect/fixtures/glibc-fixture';
import { DASHBOARD_HANDLER, buildDashboardLikeZip, buildWheelZip, downloadWheels } from '../../../harness/inspect/fixtures/lambda-zip-fixture';
import { inspectZip } from '../../../harness/inspect/inspect';
import { formatInspectionReport } from '../../../harness/inspect/format';
import { InspectionReport, Verdict } from '../../../harness/inspect/types';
import { ProcessError } from '../../../harness/process/run-process';

jest.setTimeout(10 * 60 * 1000);

const FUNCTION = { runtime: 'python3.13', architecture: 'x86_64', handler: 'handler.lambda_handler' } as const;

function verdict(report: InspectionReport, rule: string): Verdict {
  const found = report.verdicts.find((item) => item.rule === rule);
  if (!found) throw new Error(`no verdict for ${rule} in:\n${formatInspectionReport(report)}`);
  return found;
}

/** The dashboard's handler beside pydantic_core 2.41.5's wheel alone (no dependencies) for this platform and Python. */
function pydanticCoreZip(name: string, platform: string, pythonVersion: string): Promise<string> {
  return buildWheelZip({
    name,
    requirements: ['pydantic_core==2.41.5'],
    noDeps: true,
    platform,
    pythonVersion,
    extraFiles: { 'handler.py': fs.readFileSync(DASHBOARD_HANDLER) },
  });
}

describe('pydantic_core wheels for the wrong platform (seeds 001/004)', () => {
  test('an aarch64 wheel (pip download --platform manylinux2014_aarch64) in an x86_64 function fails on ELF machine 183', async () => {
    const zipPath = await pydanticCoreZip('pydantic-core-cp313-aarch64', 'manylinux2014_aarch64', '3.13');
    const report = await inspectZip(zipPath, FUNCTION);
    expect(report.passed).toBe(false);
    const machine = verdict(report, 'elf-machine');
    expect(machine.level).toBe('fail');
    expect(machine.evidence).toEqual([
      { file: 'pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu.so', detail: 'e_machine 183 (AArch64), needs 62 (x86-64)' },
    ]);
    expect(verdict(report, 'extension-abi').level).toBe('fail');
    expect(verdict(report, 'wheel-tags').evidence[0].detail).toMatch(/manylinux2014_aarch64' is for aarch64, the function runs x86_64/);
    // The same bytes are right for an arm64 function.
    const arm = await inspectZip(zipPath, { ...FUNCTION, architecture: 'arm64' });
    expect(arm.passed).toBe(true);
  });

  test('a cp312 wheel (--python-version 3.12) in a python3.13 function fails: "built for cp312, runtime is python3.13"', async () => {
    const zipPath = await pydanticCoreZip('pydantic-core-cp312-x86_64', 'manylinux2014_x86_64', '3.12');
    const report = await inspectZip(zipPath, FUNCTION);
    expect(report.passed).toBe(false);
    const abi = verdict(report, 'extension-abi');
    expect(abi.level).toBe('fail');
    expect(abi.message).toMatch(/built for cp312, runtime is python3.13/);
    expect(abi.evidence[0].file).toBe('pydantic_core/_pydantic_core.cpython-312-x86_64-linux-gnu.so');
    expect(verdict(report, 'wheel-tags').level).toBe('fail');
    // Machine and glibc are fine: only the Python ABI is wrong, and the report says exactly that.
    expect(verdict(report, 'elf-machine').level).toBe('pass');
    expect(verdict(report, 'elf-symbol-versions').level).toBe('pass');
  });
});

describe('a library compiled on Debian trixie (glibc 2.41)', () => {
  let fixture: GlibcFixture;
  beforeAll(async () => {
    await ensureDockerEngine(); // fails loudly, with how to start one, when no engine answers
    fixture = await buildGlibcFixture(fs.readFileSync(DASHBOARD_HANDLER, 'utf8'));
  });

  test('fails python3.13 with the file, the versions it needs (arc4random 2.36, strlcpy 2.38) and what AL2023 has (2.34)', async () => {
    const report = await inspectZip(fixture.zipPath, FUNCTION);
    expect(report.passed).toBe(false);
    const symbols = verdict(report, 'elf-symbol-versions');
    expect(symbols.level).toBe('fail');
    expect(symbols.evidence).toEqual([
      {
        file: fixture.entryName,
        detail: 'needs GLIBC_2.38, GLIBC_2.36 (from libc.so.6), python3.13 (Amazon Linux 2023) has up to GLIBC_2.34',
      },
    ]);
    // Nothing else is wrong with it: the verdicts point at the one real problem.
    expect(report.verdicts.filter((item) => item.level !== 'pass').map((item) => item.rule)).toEqual(['elf-symbol-versions']);
  });

  test('fails python3.11 against Amazon Linux 2 (glibc 2.26)', async () => {
    const report = await inspectZip(fixture.zipPath, { ...FUNCTION, runtime: 'python3.11' });
    expect(verdict(report, 'elf-symbol-versions').evidence[0].detail).toMatch(/python3.11 \(Amazon Linux 2\) has up to GLIBC_2.26/);
  });
});

describe('the dashboard-like ZIP (its requirements as cp313 manylinux_2_17 x86_64 wheels + its handler)', () => {
  test('passes with no false positive: every verdict is a pass', async () => {
    const zipPath = await buildDashboardLikeZip();
    const report = await inspectZip(zipPath, {
      ...FUNCTION,
      environment: {
        ENVIRONMENT: 'preprod',
        DYNAMODB_TABLE: 'preprod-sentiment-items',
        DASHBOARD_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:preprod-sentiment/dashboard-api-key-AbCdEf',
        SSE_POLL_INTERVAL: '2',
      },
    });
    const notPassing = report.verdicts.filter((item) => item.level !== 'pass');
    expect(notPassing).toEqual([]);
    expect(report.passed).toBe(true);
    // It did look: the native extension was found and judged.
    expect(verdict(report, 'elf-symbol-versions').message).toMatch(/highest needed: GLIBC_2\.\d+ \(_pydantic_core\.cpython-313-x86_64-linux-gnu\.so\)/);
    expect(verdict(report, 'wheel-tags').message).toMatch(/\d+ installed distributions/);
  });
});

describe('fetching the wheels', () => {
  test("a download pip cannot satisfy fails naming the download, pip's own last lines and what to check", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wheel-download-'));
    try {
      // pydantic_core publishes no wheel for Python 2.7: pip answers "No matching distribution".
      const failing = downloadWheels({ name: 'none', requirements: ['pydantic_core==2.41.5'], noDeps: true, platform: 'manylinux2014_x86_64', pythonVersion: '2.7', cacheDir });
      await expect(failing).rejects.toThrow(ProcessError);
      await expect(failing).rejects.toThrow(/pip download pydantic_core==2\.41\.5 \(--platform manylinux2014_x86_64 --python-version 2\.7\) failed \(exit \d+\)/);
      await expect(failing).rejects.toThrow(/No matching distribution found for pydantic_core==2\.41\.5[^]*check `pip config list`/);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
