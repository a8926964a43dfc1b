/**
 * `npm run clean [-- --all] [--keep N]`
 * Reaps what dead harness processes left (containers, moto servers, stale files), then trims
 * `.work/artifacts` to the newest N artifacts per function (HARNESS_KEEP_ARTIFACTS, default 3;
 * the manifest's verified ZIPs stay) and the cached dependency sets the same way. `--all` removes
 * every built artifact, the staging area, the pip cache and `.work/cache` (dependency sets,
 * inspection verdicts, image layer facts, import smoke results); the Python virtualenv and the
 * stand-in rootfs stay: they are set-up, not output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diskUsage, keepArtifactsSetting, pruneArtifacts } from '../build/artifact-retention';
import { DEFAULT_WORK_DIR } from '../build/build-artifact';
import { dependenciesDir, pruneDependencySets } from '../build/dependency-set';
import { CACHE_DIR_NAME } from '../build/keyed-cache';
import { stderrLog } from '../build/progress';
import { ensureDockerEngine } from '../docker/engine';
import { reapOrphans } from '../lifecycle/reap';
import { formatBytes } from '../../model/byte-size';
import { formatOptions, OptionSpec, parseOptionsOnly, runCli, UsageError } from './cli-args';

const OPTIONS: Record<string, OptionSpec> = {
  all: { kind: 'switch', description: 'remove every built artifact, .work/staging, .work/pip-cache and .work/cache (every inner-loop cache)' },
  keep: { kind: 'value', description: 'artifacts kept per function (default $HARNESS_KEEP_ARTIFACTS or 3)' },
};
const USAGE = `npm run clean [-- options]\n${formatOptions(OPTIONS)}`;

runCli(async () => {
  const args = parseOptionsOnly(process.argv.slice(2), OPTIONS, USAGE);
  const keep = args.values.keep === undefined ? keepArtifactsSetting() : Number(args.values.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep must be an integer >= 1, got '${args.values.keep}'.`, USAGE);
  await ensureDockerEngine();
  const reaped = await reapOrphans({ workDir: DEFAULT_WORK_DIR, log: stderrLog });
  console.log(`orphans: ${reaped.containers} container(s), ${reaped.helperProcesses} helper process(es), ${reaped.staleFiles} stale file(s)`);

  const artifactsDir = path.join(DEFAULT_WORK_DIR, 'artifacts');
  let freed = 0;
  if (args.switches.all) {
    for (const name of ['artifacts', 'staging', 'pip-cache', CACHE_DIR_NAME]) {
      const target = path.join(DEFAULT_WORK_DIR, name);
      freed += diskUsage(target);
      fs.rmSync(target, { recursive: true, force: true });
    }
    console.log(`removed .work/artifacts, .work/staging, .work/pip-cache and .work/cache (${formatBytes(freed)}); the next verify rebuilds and re-inspects`);
    return 0;
  }
  const functions = fs.existsSync(artifactsDir) ? fs.readdirSync(artifactsDir) : [];
  for (const fn of functions) {
    const result = pruneArtifacts({ functionDir: path.join(artifactsDir, fn), keep });
    freed += result.bytesFreed;
    if (result.removed.length > 0) console.log(`${fn}: removed ${result.removed.length} older artifact(s)`);
  }
  const dependencySets = path.dirname(dependenciesDir(DEFAULT_WORK_DIR, 'any'));
  for (const fn of fs.existsSync(dependencySets) ? fs.readdirSync(dependencySets) : []) {
    const result = pruneDependencySets(path.join(dependencySets, fn), [], keep);
    freed += result.bytesFreed;
    if (result.removed.length > 0) console.log(`${fn}: removed ${result.removed.length} older dependency set(s)`);
  }
  console.log(`kept the newest ${keep} artifact(s) and dependency set(s) per function and the manifest's artifacts; freed ${formatBytes(freed)}`);
  return 0;
});
