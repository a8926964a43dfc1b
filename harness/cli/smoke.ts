/**
 * `npm run smoke -- --url <deployed Function URL> [--function dashboard] [--header k:v]...`
 * The preprod smoke suite: the catalog's health and HTTP checks over real HTTP.
 */
import { catalogEntry, machineCatalog } from '../machine-catalog';
import { formatConsoleReport } from '../report/console-report';
import { writeReports } from '../report/write-reports';
import { functionReport, verifyReport } from '../suite/check-result';
import { remoteUrlTarget } from '../suite/remote-url-target';
import { applicableSmokeChecks, runHealthCheck, runSmokeCheck } from '../suite/smoke-checks';
import { formatOptions, OptionSpec, parseArgs, runCli, UsageError } from './cli-args';

const OPTIONS: Record<string, OptionSpec> = {
  url: { kind: 'value', description: 'deployed Function URL to check (required)' },
  function: { kind: 'value', description: `catalog function behind the URL (default: the only one with a URL)` },
  header: { kind: 'repeatable', description: "extra request header 'name: value' (repeatable)" },
  'timeout-ms': { kind: 'value', description: 'per-request timeout in ms (default 30000)' },
};
const USAGE = `npm run smoke -- --url <https://...lambda-url...> [options]\n${formatOptions(OPTIONS)}`;

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), OPTIONS, USAGE);
  if (!args.values.url) throw new UsageError('--url is required.', USAGE);
  const withUrl = machineCatalog().filter((spec) => spec.url);
  const spec = args.values.function ? catalogEntry(args.values.function) : withUrl[0];
  if (!spec?.url) throw new UsageError(`Function '${spec?.name}' has no Function URL in the catalog.`, USAGE);
  const headers: Record<string, string> = {};
  for (const header of args.lists.header) {
    const at = header.indexOf(':');
    if (at <= 0) throw new UsageError(`--header must look like 'name: value', got '${header}'.`, USAGE);
    headers[header.slice(0, at).trim().toLowerCase()] = header.slice(at + 1).trim();
  }
  const timeoutMs = args.values['timeout-ms'] ? Number(args.values['timeout-ms']) : undefined;
  const target = remoteUrlTarget(args.values.url, { headers, timeoutMs });

  const started = Date.now();
  console.log(`[smoke] ${spec.name} at ${target.description}`);
  const checks = [await runHealthCheck(spec, target)];
  for (const check of applicableSmokeChecks(spec, target)) checks.push(await runSmokeCheck(check, target));
  const report = verifyReport(new Date(started).toISOString(), Date.now() - started, [
    functionReport(spec.name, target.description, checks, { kind: 'remote', hash: args.values.url, bytes: 0, reference: args.values.url, cacheHit: false }),
  ]);
  console.log(formatConsoleReport(report));
  const written = writeReports(report, 'smoke');
  console.log(`Reports: ${written.json}, ${written.junit}`);
  return report.passed ? 0 : 1;
});
