/**
 * The deploy flow as a user runs it, on a copy of the repository (catalog edits never touch the
 * worktree): real cdktf CLI, real Terraform + AWS provider (offline mirror), real moto, real
 * `docker-registry`, real builds and boots.
 *
 *   fresh clone: `npx cdktf synth` succeeds, `npx cdktf deploy preprod-registry` applies, the
 *   application stack refuses at plan with the gate's message;
 *   verify -> publish (twice: idempotent, the tag never moves) -> `npx cdktf deploy preprod`;
 *   a catalog edit (runtime, handler, memory, an environment value) makes `npx cdktf plan`,
 *   `npx cdktf deploy`, `terraform plan` in cdktf.out and `npm run deploy` refuse, naming each
 *   difference; re-verifying lets them proceed; a ZIP replaced after verify is refused.
 *
 * Mocked (cannot exist here): AWS itself (moto), the ECR registry (`docker-registry` on loopback,
 * mirrored into moto's ECR). To keep CI time low the copy's catalog deploys two functions: the
 * real ingestion ZIP, and the analysis declaration with a small real image in place of the
 * DistilBERT source (its build takes minutes; the catalog declaration is unchanged).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { REPO_ROOT } from '../../../model/paths';
import { Manifest, ImageManifestEntry } from '../../../model/manifest';
import { MotoServer, startMotoServer } from '../../../harness/local-aws/moto-server';
import { RunningProcess, runProcess, runProcessAllowingFailure, startProcess } from '../../../harness/process/run-process';
import { readAwsInventory } from '../terraform/aws-inventory';
import { fetchRemoteManifest } from '../../../deploy/oci-registry';
import { LambdaEmulator } from '../../../harness/emulator/lambda-emulator';
import { imageId, pullImage, removeImage } from '../../../harness/docker/engine';
import { terraformSetup } from '../../../scripts/terraform-cli';

jest.setTimeout(20 * 60 * 1000);

/** This helper's fixed port range (the registry has no ephemeral-port option). */
const REGISTRY = '127.0.0.1:5351';
const REPOSITORY = 'preprod-sentiment-analysis';
/** Providers come from the offline mirror (TF_CLI_CONFIG_FILE); `terraform providers lock` would call the registry. */
const CDKTF_OFFLINE = ['--skip-provider-lock'];

let work: string;
let clone: string;
let moto: MotoServer;
let registry: RunningProcess | undefined;
let env: Record<string, string>;

interface Run {
  readonly code: number | null;
  readonly output: string;
}

async function run(command: string, args: readonly string[], cwd = clone): Promise<Run> {
  const result = await runProcessAllowingFailure(command, args, { cwd, env: { ...process.env, ...env } });
  // cdktf colours Terraform's output even when piped: the assertions read plain text.
  return { code: result.exitCode, output: result.output.replace(/\x1b\[[0-9;]*m/g, '') };
}

function ok(result: Run, what: string): string {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.output.slice(-6000)}`);
  return result.output;
}

const manifestPath = () => path.join(clone, '.work', 'manifest.json');
const readManifest = () => JSON.parse(fs.readFileSync(manifestPath(), 'utf8')) as Manifest;
const catalogFile = () => path.join(clone, 'lambdas', 'catalog.ts');

/** Edits the copy's catalog with a checked replacement (fails loudly when the text is not there). */
function editCatalog(from: string | RegExp, to: string): void {
  const before = fs.readFileSync(catalogFile(), 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`catalog edit did not apply: ${String(from)}`);
  fs.writeFileSync(catalogFile(), after);
}

/** The ingestion declaration's block in the copy's catalog, to edit only that function. */
function editIngestion(from: string, to: string): void {
  const text = fs.readFileSync(catalogFile(), 'utf8');
  const start = text.indexOf("name: 'ingestion'");
  const end = text.indexOf('\n};', start);
  if (start < 0 || end < 0) throw new Error('ingestion declaration not found in the copied catalog');
  const block = text.slice(start, end);
  if (!block.includes(from)) throw new Error(`ingestion declaration has no '${from}'`);
  fs.writeFileSync(catalogFile(), text.slice(0, start) + block.replace(from, to) + text.slice(end));
}

/** A copy of the tracked files as they are on disk, sharing node_modules and the Python venv. */
async function copyRepository(to: string): Promise<void> {
  const files = (await runProcess('git', ['ls-files', '-z'], { cwd: REPO_ROOT })).stdout.split('\0').filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) continue;
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(to, file));
  }
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(to, 'node_modules'));
  fs.mkdirSync(path.join(to, '.work'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, '.work', 'venv'), path.join(to, '.work', 'venv'));
}

/** A small real image function with the analysis declaration's contract (its smoke check). */
function replaceAnalysisSource(): void {
  const dir = path.join(clone, 'lambdas', 'analysis');
  // Requirements stay (the tiny model's tooling reads them); the code and Dockerfile are replaced.
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith('.py') || name === 'Dockerfile' || name === 'tests') fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    ['ARG BASE_IMAGE=public.ecr.aws/lambda/python:3.13', 'FROM ${BASE_IMAGE}', 'COPY handler.py /var/task/', 'CMD ["handler.lambda_handler"]', ''].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'handler.py'),
    ['def lambda_handler(event, context):', '    if "Records" not in event:', '        return {"status": "ignored"}', '    return {"status": "analyzed"}', ''].join('\n'),
  );
}

async function startRegistry(): Promise<void> {
  const config = path.join(work, 'registry.yml');
  fs.writeFileSync(
    config,
    ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(work, 'registry-data')}`, 'http:', `  addr: ${REGISTRY}`, ''].join('\n'),
  );
  registry = startProcess('docker-registry', ['serve', config]);
  for (let i = 0; i < 100; i++) {
    const up = await request(`http://${REGISTRY}/v2/`).then((r) => (r.body.dump(), r.statusCode === 200)).catch(() => false);
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not answer on ${REGISTRY} (is the docker-registry package installed?)`);
}

async function lambdaDetails(): Promise<Record<string, Record<string, unknown>>> {
  return (await readAwsInventory(moto.endpoint, true)).details;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-gate-'));
  clone = path.join(work, 'clone');
  await copyRepository(clone);
  // Two functions keep the run short: the real ingestion ZIP and a small real analysis image.
  editCatalog(/\[dashboard\(choices\), ingestion, analysis\(choices\)\]/, '[ingestion, analysis(choices)]');
  replaceAnalysisSource();
  moto = await startMotoServer();
  await startRegistry();
  env = {
    SENTIMENT_AWS_TARGET: 'local',
    SENTIMENT_AWS_ENDPOINT: moto.endpoint,
    ANALYSIS_RUNTIME: 'python3.13',
    CHECKPOINT_DISABLE: '1',
    DISABLE_VERSION_CHECK: '1',
    CI: '1',
    TF_CLI_CONFIG_FILE: terraformSetup().env.TF_CLI_CONFIG_FILE ?? '',
  };
});

afterAll(async () => {
  await registry?.stop();
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('fresh clone, nothing verified or pushed', () => {
  it('npx cdktf synth synthesizes every stack', async () => {
    ok(await run('npx', ['cdktf', 'synth']), 'npx cdktf synth');
    for (const stack of ['preprod-registry', 'preprod', 'prod-registry', 'prod']) {
      expect(fs.existsSync(path.join(clone, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    }
  });

  it('npx cdktf deploy preprod-registry applies against moto', async () => {
    const output = ok(await run('npx', ['cdktf', 'deploy', 'preprod-registry', ...CDKTF_OFFLINE, '--auto-approve']), 'cdktf deploy preprod-registry');
    expect(output).toMatch(/Apply complete! Resources: \d+ added/);
  });

  it('the application stack refuses at plan with the gate message, not a synth crash', async () => {
    const { code, output } = await run('npx', ['cdktf', 'plan', 'preprod', ...CDKTF_OFFLINE]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/Deploy gate: function 'ingestion' \(preprod-sentiment-ingestion\)/);
    expect(output).toMatch(/never verified/);
    expect(output).toMatch(/npm run verify -- ingestion/);
  });
});

describe('verify, publish for real, deploy', () => {
  let first: ImageManifestEntry;

  it('npm run verify records both functions with their configuration', async () => {
    // Reuse the worktree's ingestion build when there is one (the build is keyed by content hash).
    const cached = path.join(REPO_ROOT, '.work', 'artifacts', 'ingestion');
    if (fs.existsSync(cached)) fs.cpSync(cached, path.join(clone, '.work', 'artifacts', 'ingestion'), { recursive: true });
    ok(await run('npm', ['run', '--silent', 'verify', '--', 'ingestion', 'analysis']), 'npm run verify');
    const manifest = readManifest();
    expect(manifest.functions.ingestion.configuration?.configuration).toMatchObject({ runtime: 'python3.13', memoryMb: 256 });
    expect(manifest.functions.analysis).toMatchObject({ kind: 'image', choices: { ANALYSIS_RUNTIME: 'python3.13' } });
  });

  it('publishes the verified image to the real registry, twice; the tag never changes digest', async () => {
    const publish = async () => ok(await run('npx', ['tsx', 'scripts/publish-images.ts', 'preprod', '--registry', REGISTRY, '--endpoint', moto.endpoint]), 'publish');
    expect(await publish()).toMatch(/Pushing sentiment\/analysis:/);
    first = readManifest().functions.analysis as ImageManifestEntry;
    const tag = first.publishedTag!;
    const pushed = await fetchRemoteManifest(REGISTRY, REPOSITORY, tag);
    // The digest recorded is the registry's own, and the tag names the verified image (config digest = image id).
    expect(pushed?.digest).toBe(first.repoDigest);
    expect(pushed?.configDigest).toBe(first.imageId);

    // Unchanged inputs: succeeds without pushing, reusing the already-pushed verified digest.
    expect(await publish()).toMatch(/already holds the verified image .*nothing pushed/);
    expect((readManifest().functions.analysis as ImageManifestEntry).repoDigest).toBe(first.repoDigest);
    // The registry has no immutability setting: the test enforces it.
    expect((await fetchRemoteManifest(REGISTRY, REPOSITORY, tag))?.digest).toBe(pushed?.digest);
  });

  it('the image pulled back by that digest is the verified image, and boots in the emulator', async () => {
    const byDigest = `${REGISTRY}/${REPOSITORY}@${first.repoDigest}`;
    await pullImage(byDigest);
    try {
      expect(await imageId(byDigest)).toBe(first.imageId);
      const emulator = new LambdaEmulator({ launch: { image: byDigest, command: [], memoryMb: 256, timeoutSeconds: 10, functionName: 'published-analysis' } });
      try {
        const result = await emulator.invokeJson({ smoke: 'ping' });
        expect(result.ok && JSON.parse(result.payload.toString())).toEqual({ status: 'ignored' });
      } finally {
        await emulator.stop();
      }
    } finally {
      await removeImage(byDigest, { untagOnly: true }).catch(() => undefined);
    }
  });

  it('npx cdktf deploy preprod applies, with the image pinned to the registry digest', async () => {
    const output = ok(await run('npx', ['cdktf', 'deploy', 'preprod', ...CDKTF_OFFLINE, '--auto-approve']), 'cdktf deploy preprod');
    expect(output).toMatch(/Apply complete!/);
    const stack = fs.readFileSync(path.join(clone, 'cdktf.out', 'stacks', 'preprod', 'cdk.tf.json'), 'utf8');
    expect(stack).toContain(`@${first.repoDigest}`);
    const details = await lambdaDetails();
    expect(String(details['preprod-sentiment-analysis'].ImageUri)).toMatch(new RegExp(`/${REPOSITORY}@${first.repoDigest}$`));
  });
});

describe('a catalog edit after verify is refused by every path, naming each difference', () => {
  const differences = [
    'runtime: verified python3.13, stack deploys python3.12',
    'handler: verified handler.lambda_handler, stack deploys handler.handle',
    'memory: verified 256 MB, stack deploys 384 MB',
    'environment NEWSAPI_QUERY: verified technology, stack deploys science',
  ];
  const expectRefused = ({ code, output }: Run) => {
    expect(code).not.toBe(0);
    const flat = output.replace(/\s+/g, ' ');
    for (const difference of differences) expect(flat).toContain(difference);
    expect(flat).toMatch(/npm run verify -- ingestion/);
  };

  beforeAll(() => {
    editIngestion("runtime: 'python3.13'", "runtime: 'python3.12'");
    editIngestion("handler: 'handler.lambda_handler'", "handler: 'handler.handle'");
    editIngestion('memoryMb: 256', 'memoryMb: 384');
    editIngestion("NEWSAPI_QUERY: 'technology'", "NEWSAPI_QUERY: 'science'");
  });

  it('npx cdktf plan preprod refuses', async () => expectRefused(await run('npx', ['cdktf', 'plan', 'preprod', ...CDKTF_OFFLINE])));

  it('terraform plan in cdktf.out/stacks/preprod refuses', async () => {
    expectRefused(await run('terraform', ['plan', '-input=false', '-no-color'], path.join(clone, 'cdktf.out', 'stacks', 'preprod')));
  });

  it('npx cdktf deploy preprod refuses and changes nothing', async () => {
    expectRefused(await run('npx', ['cdktf', 'deploy', 'preprod', ...CDKTF_OFFLINE, '--auto-approve']));
    expect((await lambdaDetails())['preprod-sentiment-ingestion']).toMatchObject({ MemorySize: 256 });
  });

  it('npm run deploy -- preprod refuses before terraform runs', async () => {
    const result = await run('npm', ['run', '--silent', 'deploy', '--', 'preprod', '--endpoint', moto.endpoint]);
    expectRefused(result);
    expect(result.output).toMatch(/Deploy gate REFUSED 'preprod'/);
  });

  it('re-running npm run verify lets them proceed', async () => {
    // Back to a runtime and handler this copy's function has; memory and the query stay edited.
    editIngestion("runtime: 'python3.12'", "runtime: 'python3.13'");
    editIngestion("handler: 'handler.handle'", "handler: 'handler.lambda_handler'");
    ok(await run('npm', ['run', '--silent', 'verify', '--', 'ingestion']), 're-verify');
    expect(ok(await run('npx', ['cdktf', 'plan', 'preprod', ...CDKTF_OFFLINE]), 'cdktf plan after re-verify')).toMatch(/Plan: \d+ to add, [1-9]\d* to change/);
    ok(await run('terraform', ['plan', '-input=false', '-no-color'], path.join(clone, 'cdktf.out', 'stacks', 'preprod')), 'terraform plan after re-verify');
    ok(await run('npm', ['run', '--silent', 'deploy', '--', 'preprod', '--endpoint', moto.endpoint]), 'npm run deploy after re-verify');
    expect((await lambdaDetails())['preprod-sentiment-ingestion']).toMatchObject({ MemorySize: 384 });
  });

  it('a ZIP replaced after verify is refused at plan', async () => {
    const entry = readManifest().functions.ingestion;
    if (entry.kind !== 'zip') throw new Error('ingestion should be a zip');
    const zip = path.join(clone, entry.zipPath);
    fs.appendFileSync(zip, 'replaced after verification');
    const { code, output } = await run('terraform', ['plan', '-input=false', '-no-color'], path.join(clone, 'cdktf.out', 'stacks', 'preprod'));
    expect(code).not.toBe(0);
    expect(output.replace(/\s+/g, ' ')).toMatch(/the archive \S+ingestion\S+\.zip is not the verified one/);
    const deploy = await run('npm', ['run', '--silent', 'deploy', '--', 'preprod', '--endpoint', moto.endpoint]);
    expect(deploy.code).not.toBe(0);
    expect(deploy.output).toMatch(/changed on disk since verification/);
  });
});
