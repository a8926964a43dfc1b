/**
 * npm run lock [-- <fn>...]
 *
 * Writes `lambdas/<fn>/requirements.lock` for the catalog functions that install a hash-locked
 * requirements.txt: resolved by uv (pinned in requirements-dev.txt, run from .work/venv) against
 * PyPI for the function's TARGET runtime (Python version, Amazon Linux glibc, architecture),
 * every distribution with its sha256. Commit the result; builds refuse a stale lock.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineCatalog, catalogEntry } from '../machine-catalog';
import { FunctionSpec } from '../../model/function-spec';
import { resolveSourceDir } from '../build/build-artifact';
import { stderrLog } from '../build/progress';
import { LOCK_FILE, REQUIREMENTS_FILE, hashLockedFunction, lockHeader, lockTarget } from '../build/requirements-lock';
import { ensurePythonVenv, runVenvTool } from '../build/python-venv';
import { lastLines } from '../process/output-tail';
import { OptionSpec, formatOptions, parseArgs, runCli } from './cli-args';

const OPTIONS: Record<string, OptionSpec> = {
  index: { kind: 'value', description: 'package index to resolve against (default https://pypi.org/simple: the index the build image installs from)' },
};
const USAGE = `npm run lock -- [<function>...] [options]\n${formatOptions(OPTIONS)}`;

async function lockFunction(spec: FunctionSpec, index: string): Promise<void> {
  const sourceDir = resolveSourceDir(spec);
  const requirementsText = fs.readFileSync(path.join(sourceDir, REQUIREMENTS_FILE), 'utf8');
  const target = lockTarget(spec.runtime, spec.architecture);
  const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')), LOCK_FILE);
  const args = [
    'pip', 'compile', REQUIREMENTS_FILE,
    '--generate-hashes',
    '--python-version', target.pythonVersion,
    '--python-platform', target.pythonPlatform,
    '--index-url', index,
    '--no-config',
    '--quiet',
    '--custom-compile-command', `npm run lock -- ${spec.name}`,
    '--output-file', output,
  ];
  const result = await runVenvTool('uv', args, sourceDir);
  if (result.code !== 0) {
    throw new Error(
      `uv could not lock ${spec.name}'s ${REQUIREMENTS_FILE} for python ${target.pythonVersion} ${target.pythonPlatform}:\n  ${lastLines(result.stderr, 8).join('\n  ')}\n` +
        '  Likely cause: a pin with no release for that Python/platform, or the index is unreachable.',
    );
  }
  const locked = fs.readFileSync(output, 'utf8');
  fs.rmSync(path.dirname(output), { recursive: true, force: true });
  const lockPath = path.join(sourceDir, LOCK_FILE);
  fs.writeFileSync(lockPath, `${lockHeader(requirementsText, target)}\n${locked}`);
  const packages = locked.split('\n').filter((line) => /^[A-Za-z0-9]/.test(line)).length;
  stderrLog(`[lock] ${spec.name}: ${packages} packages for python ${target.pythonVersion} ${target.pythonPlatform} -> ${path.relative(process.cwd(), lockPath) || lockPath}`);
}

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), OPTIONS, USAGE);
  const locked = (spec: FunctionSpec) => hashLockedFunction(spec, resolveSourceDir(spec));
  const lockable = machineCatalog().filter(locked);
  const specs = args.positionals.length > 0 ? args.positionals.map(catalogEntry) : lockable;
  for (const spec of specs) {
    if (!locked(spec)) {
      throw new Error(`'${spec.name}' installs no hash-locked requirements (locked: ${lockable.map((s) => s.name).join(', ')}); see README "Supply chain".`);
    }
  }
  await ensurePythonVenv({ log: (line) => stderrLog(line) });
  for (const spec of specs) await lockFunction(spec, args.values.index ?? 'https://pypi.org/simple');
  return 0;
});
