/**
 * npm run inspect -- <file.zip | image:tag> [--runtime python3.13] [--arch x86_64] [--handler h] [--json]
 *
 * Static inspection of any Lambda artifact, ours or built elsewhere: quotas, native-binary
 * compatibility with the target runtime, handler, image settings. Exit 0 when nothing fails,
 * 1 on any fail, 2 on bad usage or an artifact that cannot be read.
 */
import * as fs from 'node:fs';
import { PythonRuntime, SUPPORTED_ARCHITECTURES, SUPPORTED_RUNTIMES, assertArchitecture, runtimeFacts } from '../../model/runtimes';
import { catalogEntry } from '../machine-catalog';
import { DockerUnavailableError } from '../docker/engine';
import { formatInspectionReport } from '../inspect/format';
import { ImageReadError } from '../inspect/image-reader';
import { InspectOptions, inspectImage, inspectZip } from '../inspect/inspect';
import { ZipReadError } from '../inspect/zip-reader';
import { OptionSpec, UsageError, formatOptions, parseArgs } from './cli-args';

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  runtime: { kind: 'value', description: `target runtime: ${SUPPORTED_RUNTIMES.join(', ')} (default python3.13, or the --function's)` },
  arch: { kind: 'value', description: `target architecture: ${SUPPORTED_ARCHITECTURES.join(', ')} (default x86_64, or the --function's)` },
  handler: { kind: 'value', description: 'module.function to look for (default: the --function\'s; for images, CMD[0])' },
  function: { kind: 'value', description: 'take runtime, architecture, handler and acknowledgements from this catalog function' },
  env: { kind: 'repeatable', description: 'NAME=VALUE environment variable to check for secrets (repeatable)' },
  json: { kind: 'switch', description: 'print the report as JSON' },
  quiet: { kind: 'switch', description: 'print warnings and failures only' },
};

const USAGE = `Usage: npm run inspect -- <file.zip | image:tag> [options]
${formatOptions(OPTIONS)}
Exit status: 0 no fail, 1 at least one fail, 2 bad usage or unreadable artifact.`;

export interface InspectCliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STDIO: InspectCliIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** A ZIP when the argument is an existing file or ends in .zip; otherwise an image reference. */
export function looksLikeZip(target: string): boolean {
  return target.toLowerCase().endsWith('.zip') || (fs.existsSync(target) && fs.statSync(target).isFile());
}

export function parseInspectArgs(argv: readonly string[]): { target: string; options: InspectOptions; json: boolean; quiet: boolean } {
  const args = parseArgs(argv, OPTIONS, USAGE);
  if (args.positionals.length !== 1) {
    throw new UsageError(
      args.positionals.length === 0 ? 'Name one artifact to inspect.' : `Name one artifact, got ${args.positionals.length}: ${args.positionals.join(' ')}.`,
      USAGE,
    );
  }
  const spec = args.values.function ? catalogEntry(args.values.function) : undefined;
  const runtime = args.values.runtime ?? spec?.runtime ?? 'python3.13';
  const architecture = args.values.arch ?? spec?.architecture ?? 'x86_64';
  try {
    runtimeFacts(runtime);
    assertArchitecture(architecture);
  } catch (error) {
    throw new UsageError((error as Error).message, USAGE);
  }
  const environment: Record<string, string> = {};
  for (const item of args.lists.env) {
    const equals = item.indexOf('=');
    if (equals <= 0) throw new UsageError(`--env takes NAME=VALUE, got '${item}'.`, USAGE);
    environment[item.slice(0, equals)] = item.slice(equals + 1);
  }
  return {
    target: args.positionals[0],
    options: {
      runtime: runtime as PythonRuntime,
      architecture: assertArchitecture(architecture),
      handler: args.values.handler ?? spec?.handler,
      environment,
      // The catalog function's accepted findings count here as they do in verify.
      acknowledgements: spec?.acknowledgements,
      functionName: spec?.name,
    },
    json: args.switches.json,
    quiet: args.switches.quiet,
  };
}

/** Runs the command; returns the exit status instead of exiting, for tests. */
export async function runInspectCli(argv: readonly string[], io: InspectCliIo = STDIO): Promise<number> {
  let parsed: ReturnType<typeof parseInspectArgs>;
  try {
    parsed = parseInspectArgs(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n`);
    return 2;
  }
  try {
    const report = looksLikeZip(parsed.target)
      ? await inspectZip(parsed.target, parsed.options)
      : await inspectImage(parsed.target, parsed.options);
    io.out(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInspectionReport(report, { showPasses: !parsed.quiet })}\n`);
    return report.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof ZipReadError || error instanceof ImageReadError || error instanceof DockerUnavailableError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  runInspectCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`inspect crashed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
