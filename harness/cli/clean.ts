/**
 * `npm run clean [-- --all] [--keep N]`
 * Reaps what dead harness processes left (containers, moto servers, stale files), then trims
 * `.work/artifacts` to the newest N artifacts per function (HARNESS_KEEP_ARTIFACTS, default 3;
 * the manifest's verified ZIPs stay). `--all` removes every built artifact, the staging area and
 * the pip cache (the Python virtualenv and the stand-in rootfs stay: they are set-up, not output).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diskUsage, keepArtifactsSetting, pruneArtifacts } from '../build/artifact-retention';
import { DEFAULT_WORK_DIR } from '../build/build-artifact';
import { stderrLog } from '../build/progress';
import { ensureDockerEngine } from '../docker/engine';
import { reapOrphans } from '../lifecycle/reap';
import { formatBytes } from '../report/console-report';
import { formatOptions, OptionSpec, parseArgs, runCli, UsageError } from './cli-args';

const OPTIONS: Record<string, OptionSpec> = {
  all: { kind: 'switch', description: 'remove every built artifact, .work/staging and .work/pip-cache' },
  keep: { kind: 'value', description: 'artifacts kept per function (default $HARNESS_KEEP_ARTIFACTS or 3)' },
};
const USAGE = `npm run clean [-- options]\n${formatOptions(OPTIONS)}`;

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), OPTIONS, USAGE);
  if (args.positionals.length > 0) throw new UsageError(`Unexpected argument '${args.positionals[0]}'.`, USAGE);
  const keep = args.values.keep === undefined ? keepArtifactsSetting() : Number(args.values.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep must be an integer >= 1, got '${args.values.keep}'.`, USAGE);
  await ensureDockerEngine();
  const reaped = await reapOrphans({ workDir: DEFAULT_WORK_DIR, log: stderrLog });
  console.log(`orphans: ${reaped.containers} container(s), ${reaped.helperProcesses} helper process(es), ${reaped.staleFiles} stale file(s)`);

  const artifactsDir = path.join(DEFAULT_WORK_DIR, 'artifacts');
  let freed = 0;
  if (args.switches.all) {
    for (const name of ['artifacts', 'staging', 'pip-cache']) {
      const target = path.join(DEFAULT_WORK_DIR, name);
      freed += diskUsage(target);
      fs.rmSync(target, { recursive: true, force: true });
    }
    console.log(`removed .work/artifacts, .work/staging and .work/pip-cache (${formatBytes(freed)}); the next verify rebuilds`);
    return 0;
  }
  const functions = fs.existsSync(artifactsDir) ? fs.readdirSync(artifactsDir) : [];
  for (const fn of functions) {
    const result = pruneArtifacts({ functionDir: path.join(artifactsDir, fn), keep });
    freed += result.bytesFreed;
    if (result.removed.length > 0) console.log(`${fn}: removed ${result.removed.length} older artifact(s)`);
  }
  console.log(`kept the newest ${keep} artifact(s) per function and the manifest's; freed ${formatBytes(freed)}`);
  return 0;
});
