/**
 * `npm run bench [-- --only <section>] [--engine emulator|rie|all] [--quick] [--out reports/bench.json]`
 * Runs the benchmark sections, writes their results as JSON and prints markdown tables.
 * To add a section: export a BenchSection (harness/bench/bench-section.ts) and list it in SECTIONS.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { BenchSection, BenchSectionResult, metricsTable } from '../bench/bench-section';
import { emulatorBench } from '../bench/emulator-bench';
import { innerLoopBench } from '../bench/inner-loop-bench';
import { measureWatchEditToServed } from '../bench/watch-latency';
import { runVerify } from '../pipeline/verify-run';
import { inspectBench } from '../bench/inspect-bench';
import { stderrLog } from '../build/progress';
import { formatOptions, OptionSpec, parseOptionsOnly, runCli, UsageError } from './cli-args';
import { ENGINES_OPTION_HELP, parseEngines } from './engine-option';

const SECTIONS: readonly BenchSection[] = [emulatorBench(), inspectBench(), innerLoopBench({
    verify: runVerify,
    // `emulate --watch`: a saved edit of a ZIP function until the new version answers, in the same run.
    extraMeasurements: [async (context) => [await measureWatchEditToServed({ log: context.log, edits: context.quick ? 1 : 3 })]],
  })];

const OPTIONS: Record<string, OptionSpec> = {
  only: { kind: 'repeatable', description: `run only this section (repeatable): ${SECTIONS.map((s) => s.name).join(', ')}` },
  engine: { kind: 'repeatable', description: `the emulator section's engines: ${ENGINES_OPTION_HELP}` },
  quick: { kind: 'switch', description: 'fewer iterations (checks the bench itself runs)' },
  out: { kind: 'value', description: 'JSON results file (default reports/bench.json)' },
};
const USAGE = `npm run bench [-- options]\n${formatOptions(OPTIONS)}`;

runCli(async () => {
  const args = parseOptionsOnly(process.argv.slice(2), OPTIONS, USAGE);
  const unknown = args.lists.only.filter((name) => !SECTIONS.some((section) => section.name === name));
  if (unknown.length > 0) throw new UsageError(`Unknown section(s): ${unknown.join(', ')}.`, USAGE);
  const selected = args.lists.only.length > 0 ? SECTIONS.filter((section) => args.lists.only.includes(section.name)) : SECTIONS;
  const out = path.resolve(REPO_ROOT, args.values.out ?? 'reports/bench.json');
  const engines = parseEngines(args.lists.engine, USAGE);

  const results: BenchSectionResult[] = [];
  for (const section of selected) {
    stderrLog(`[bench] section ${section.name}: ${section.description}`);
    results.push(await section.run({ log: stderrLog, quick: args.switches.quick, engines }));
  }

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
  fs.writeFileSync(out, JSON.stringify({ generatedAt: new Date().toISOString(), quick: args.switches.quick, machine, sections: results }, null, 2) + '\n');

  console.log(`\n## Benchmarks (${machine.cpus} cores, ${machine.cpuModel}, Node ${machine.node})\n`);
  for (const result of results) {
    console.log(`### ${result.section}: ${result.description}\n`);
    for (const table of result.tables ?? []) console.log(`${table}\n`);
  }
  console.log(metricsTable(results));
  console.log(`\nResults written to ${path.relative(process.cwd(), out) || out}`);
  return 0;
});
