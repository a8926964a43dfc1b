// The seeds' failures, reproduced for real through `npm run verify`: real pip inside the build
// image, the real awslambdaric in a container, the real FastAPI + Mangum dashboard, real moto.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { VerifyReport } from '../../../harness/suite/check-result';
import { REPO, runCli } from './run-cli';

const VERIFY_JSON = path.join(REPO, 'reports', 'verify.json');

function readReport(): VerifyReport {
  return JSON.parse(fs.readFileSync(VERIFY_JSON, 'utf8')) as VerifyReport;
}

beforeAll(async () => {
  // Loud, not skipped: these tests are the harness's reason to exist.
  await ensureDockerEngine();
});

describe('npm run verify on the dashboard', () => {
  test('the FastAPI + Mangum ZIP passes health, import smoke and its smoke checks', async () => {
    const result = await runCli('verify.ts', ['dashboard']);
    expect(result.code).toBe(0);
    const dashboard = readReport().functions.find((f) => f.name === 'dashboard')!;
    expect(dashboard.passed).toBe(true);
    expect(dashboard.artifact?.kind).toBe('zip');
    expect(dashboard.base).toMatch(/python:3\.13/);
    expect(dashboard.checks.find((c) => c.kind === 'health')).toMatchObject({ passed: true });
    // The boot check: the catalog's Function URL event (payload 2.0, GET /health) through the Runtime API.
    expect(dashboard.checks.filter((c) => c.kind === 'boot').map((c) => [c.name, c.passed])).toEqual([['invoke with Function URL GET /health (payload 2.0)', true]]);
    expect(dashboard.warnings).toEqual([]);
    const imports = dashboard.checks.filter((c) => c.kind === 'import').map((c) => c.name);
    expect(imports).toEqual(expect.arrayContaining(['import fastapi', 'import mangum', 'import pydantic_core', 'import handler']));
    expect(result.stdout).toContain('All 1 function(s) passed');
    // Supply chain: the SBOM beside the ZIP, referenced by path + sha256 in verify.json and the manifest.
    const sbom = dashboard.artifact!.sbom!;
    expect(sbom.path).toBe(dashboard.artifact!.reference.replace(/\.zip$/, '.cdx.json'));
    expect(createHash('sha256').update(fs.readFileSync(sbom.path)).digest('hex')).toBe(sbom.sha256);
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, '.work', 'manifest.json'), 'utf8'));
    expect(manifest.functions.dashboard.sbom).toEqual({ path: path.relative(REPO, sbom.path), sha256: sbom.sha256 });
  });

  test('seed 000: zipped without its requirements -> Runtime.ImportModuleError naming fastapi, in the console and verify.json', async () => {
    const result = await runCli('verify.ts', ['dashboard', '--requirements', 'omit']);
    expect(result.code).toBe(1);
    const health = readReport().functions[0].checks.find((c) => c.kind === 'health')!;
    expect(health.passed).toBe(false);
    expect(health.errorType).toBe('Runtime.ImportModuleError');
    expect(health.code).toBe('FUNCTION_FAILURE');
    expect(readReport().failureCodes).toEqual(['FUNCTION_FAILURE']);
    expect(health.message).toMatch(/^Unable to import module 'handler': No module named '(fastapi|mangum)'/);
    expect(result.stdout).toContain('errorType:    Runtime.ImportModuleError');
    expect(result.stdout).toContain("errorMessage: Unable to import module 'handler': No module named");
    const importHandler = readReport().functions[0].checks.find((c) => c.name === 'import handler')!;
    expect(importHandler).toMatchObject({ passed: false, errorType: 'ModuleNotFoundError', code: 'FUNCTION_FAILURE' });
  });

  test('seed 001: deps for cp312 in a python3.13 function -> inspection refuses it, and booted anyway: No module named pydantic_core._pydantic_core', async () => {
    const refused = await runCli('verify.ts', ['dashboard', '--requirements', 'manylinux2014_x86_64@3.12']);
    expect(refused.code).toBe(1);
    const inspect = readReport().functions[0].checks.find((c) => c.kind === 'inspect')!;
    expect(inspect).toMatchObject({ passed: false, code: 'FUNCTION_FAILURE' });
    expect(inspect.message).toMatch(/cpython-312-x86_64-linux-gnu/);
    expect(readReport().functions[0].checks.some((c) => c.kind === 'health')).toBe(false);

    const booted = await runCli('verify.ts', ['dashboard', '--requirements', 'manylinux2014_x86_64@3.12', '--boot-despite-inspection']);
    expect(booted.code).toBe(1);
    const health = readReport().functions[0].checks.find((c) => c.kind === 'health')!;
    expect(health).toMatchObject({ errorType: 'Runtime.ImportModuleError', code: 'FUNCTION_FAILURE' });
    expect(health.message).toContain("No module named 'pydantic_core._pydantic_core'");
  });
});

describe('npm run verify on ingestion and analysis', () => {
  test('each passes its boot check with its catalog event: a real EventBridge scheduled event, a real SNS notification', async () => {
    const result = await runCli('verify.ts', ['ingestion', 'analysis']);
    expect(result.code).toBe(0);
    const boots = Object.fromEntries(readReport().functions.map((f) => [f.name, f.checks.filter((c) => c.kind === 'boot')]));
    expect(boots.ingestion).toEqual([expect.objectContaining({ name: 'invoke with EventBridge scheduled event', passed: true })]);
    expect(boots.ingestion[0].message).toContain('"status": "ok"');
    expect(boots.analysis).toEqual([expect.objectContaining({ name: 'invoke with SNS notification', passed: true })]);
    expect(boots.analysis[0].message).toContain('"status": "ok"');
    expect(result.stdout).toContain('All 2 function(s) passed');
    expect(readReport().failureCodes).toEqual([]);
  });
});

describe('npm run verify --dir on any function directory', () => {
  test('the dashboard copied with mangum removed from requirements.txt fails with Runtime.ImportModuleError naming it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-without-mangum-'));
    try {
      for (const file of ['handler.py', 'api_key.py', 'metrics.py', 'dashboard.html']) {
        fs.copyFileSync(path.join(REPO, 'lambdas', 'dashboard', file), path.join(dir, file));
      }
      const requirements = fs.readFileSync(path.join(REPO, 'lambdas', 'dashboard', 'requirements.txt'), 'utf8');
      fs.writeFileSync(path.join(dir, 'requirements.txt'), requirements.split('\n').filter((line) => !/^mangum\b/.test(line)).join('\n'));
      const result = await runCli('verify.ts', ['--dir', dir, '--health', '/health']);
      expect(result.code).toBe(1);
      const fn = readReport().functions[0];
      expect(fn.checks.find((c) => c.kind === 'build')).toMatchObject({ passed: true });
      const health = fn.checks.find((c) => c.kind === 'health')!;
      expect(health).toMatchObject({ errorType: 'Runtime.ImportModuleError', code: 'FUNCTION_FAILURE' });
      expect(health.message).toContain("Unable to import module 'handler': No module named 'mangum'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a catalog mistake', () => {
  test('an unknown function name is CONFIGURATION, on stderr and in verify.json, before any build', async () => {
    const result = await runCli('verify.ts', ['billing']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error [CONFIGURATION]: No function 'billing' in the catalog.");
    expect(readReport()).toMatchObject({ passed: false, failureCodes: ['CONFIGURATION'], functions: [], stoppedBy: { code: 'CONFIGURATION' } });
    expect(fs.readFileSync(path.join(REPO, 'reports', 'verify.junit.xml'), 'utf8')).toContain('<failure type="CONFIGURATION"');
    expect(result.stderr).not.toContain('[build');
  });
});

describe('without a Docker engine', () => {
  test('the CLI exits non-zero within seconds and says how to start one', async () => {
    const result = await runCli('verify.ts', ['dashboard'], { DOCKER_HOST: 'unix:///tmp/no-docker-engine-here.sock' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error [ENVIRONMENT_UNAVAILABLE]: No Docker engine is reachable');
    expect(readReport()).toMatchObject({ passed: false, failureCodes: ['ENVIRONMENT_UNAVAILABLE'], stoppedBy: { code: 'ENVIRONMENT_UNAVAILABLE' } });
    expect(result.stderr).toContain('sudo dockerd');
    // "Within seconds" is a property of the code path (an 8 s `docker info` limit, checked first), not a timed assertion.
    expect(result.stderr).not.toContain('[build');
  });
});
