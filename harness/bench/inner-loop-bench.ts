/**
 * Benchmark `inner-loop` (issue 11): what a developer waits for between an edit and a verified
 * function, side by side in one run, against the targets of the issue:
 *   - no-change re-verify of every catalog function (everything a cache hit)       <= 10 s
 *   - a one-line handler edit of the dashboard (ZIP), verified                      <= 5 s
 *   - a one-line handler edit of analysis (image), verified                         <= 15 s
 *   - a full `--force` rebuild and verify (dependencies reinstalled, re-inspected: what
 *     `sam build --use-container` does every time)
 * Edits are made on a temporary copy of the function's directory (lambdas/ is never written);
 * the copy keeps the function's name, so it meets the same caches a real edit would.
 * More rows measured in the same run (the `emulate --watch` edit-to-served latency) are added
 * with `innerLoopBench({ verify: runVerify, extraMeasurements: [...] })` in harness/cli/bench.ts.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineCatalog, catalogEntry } from '../machine-catalog';
import { FunctionSpec } from '../../model/function-spec';
import { resolveSourceDir } from '../build/build-artifact';
import { SBOM_SUFFIX } from '../build/sbom';
import { EXCLUDED_DIRECTORIES } from '../build/source-files';
import { ensureDockerEngine, removeImage } from '../docker/engine';
import { BaseChoice, defaultBaseChoice } from '../images/runtime-base';
import { FunctionReport, VerifyReport } from '../suite/check-result';
import { BenchContext, BenchMetric, BenchSection, BenchSectionResult, round } from './bench-section';

export const NO_CHANGE_TARGET_S = 10;
export const ZIP_EDIT_TARGET_S = 5;
export const IMAGE_EDIT_TARGET_S = 15;

/**
 * How a scenario verifies: harness/pipeline's `runVerify`, handed in by harness/cli/bench.ts, so
 * that the bench adds no dependency on the verify pipeline (the pipeline imports harness/cli, and
 * the folders' layers are to point one way: issue 13).
 */
export type VerifyRunner = (props: {
  readonly specs: readonly FunctionSpec[];
  readonly baseChoice: BaseChoice;
  readonly log: (line: string) => void;
  readonly force?: boolean;
  readonly recordManifest?: boolean;
}) => Promise<{ readonly report: VerifyReport; stop(): Promise<void> }>;

/** A measurement added to the section's rows, run after the built-in scenarios (caches warm). */
export type InnerLoopMeasurement = (context: BenchContext) => Promise<readonly BenchMetric[]>;

export interface InnerLoopBenchProps {
  /** Verifies a scenario's functions: `runVerify` from harness/pipeline/verify-run.ts. */
  readonly verify: VerifyRunner;
  /** @default the catalog */
  readonly specs?: readonly FunctionSpec[];
  /** ZIP function whose handler is edited. @default the dashboard (as a ZIP) */
  readonly zipFunction?: FunctionSpec;
  /** Image function whose handler is edited. @default analysis */
  readonly imageFunction?: FunctionSpec;
  /** Rows measured by other modules in the same run. @default none */
  readonly extraMeasurements?: readonly InnerLoopMeasurement[];
}

interface Scenario {
  readonly name: string;
  readonly seconds: number;
  readonly report: VerifyReport;
}

/** A copy of a function's source directory with one line appended to its handler module; remove() deletes it. */
export interface EditedCopy {
  readonly spec: FunctionSpec;
  readonly editedFile: string;
  remove(): void;
}

/** Copies `spec`'s sources to a temporary directory and appends one line to its handler's module. */
export function editedCopy(spec: FunctionSpec): EditedCopy {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), `inner-loop-${spec.name}-`));
  fs.cpSync(resolveSourceDir(spec), copy, {
    recursive: true,
    filter: (source) => !EXCLUDED_DIRECTORIES.includes(path.basename(source)),
  });
  const module = `${spec.handler.slice(0, spec.handler.lastIndexOf('.')).split('.').join('/')}.py`;
  const editedFile = path.join(copy, module);
  if (!fs.existsSync(editedFile)) throw new Error(`inner-loop bench: ${spec.name}'s handler module ${module} is not in ${resolveSourceDir(spec)}.`);
  // A real statement, not a comment: the bytes, the content hash and the module all change.
  fs.appendFileSync(editedFile, `\nINNER_LOOP_BENCH_EDIT = '${randomBytes(6).toString('hex')}'\n`);
  return { spec: { ...spec, sourceDir: copy }, editedFile, remove: () => fs.rmSync(copy, { recursive: true, force: true }) };
}

export async function measureInnerLoop(context: BenchContext, props: InnerLoopBenchProps): Promise<BenchSectionResult> {
  await ensureDockerEngine();
  const specs = props.specs ?? machineCatalog();
  const zipFunction = props.zipFunction ?? { ...catalogEntry('dashboard'), packaging: 'zip' as const };
  const imageFunction = props.imageFunction ?? catalogEntry('analysis');
  const baseChoice = defaultBaseChoice();
  const log = (line: string) => context.log(`[bench:inner-loop] ${line}`);
  const verify = async (name: string, scenarioSpecs: readonly FunctionSpec[], force = false): Promise<Scenario> => {
    log(`${name} ...`);
    const started = performance.now();
    // The bench measures; it does not vouch for anything: the manifest is left as it was.
    const run = await props.verify({ specs: scenarioSpecs, baseChoice, log: context.log, force, recordManifest: false });
    await run.stop();
    const seconds = (performance.now() - started) / 1000;
    if (!run.report.passed) {
      const failed = run.report.functions.filter((fn) => !fn.passed).map((fn) => `${fn.name}: ${fn.checks.filter((c) => !c.passed).map((c) => `${c.name} ${c.errorType ?? ''}`).join(', ')}`);
      throw new Error(`inner-loop bench: '${name}' did not verify (${failed.join('; ')}); a failing verify measures nothing. Run npm run verify first.`);
    }
    log(`${name}: ${seconds.toFixed(1)} s`);
    return { name, seconds, report: run.report };
  };
  const edited = async (name: string, spec: FunctionSpec): Promise<Scenario> => {
    const copy = editedCopy(spec);
    let scenario: Scenario | undefined;
    try {
      scenario = await verify(name, [copy.spec]);
      return scenario;
    } finally {
      copy.remove();
      // The edited artifact is ours alone and never used again: removed, so that it does not push
      // the function's real artifacts out of retention (HARNESS_KEEP_ARTIFACTS).
      const built = scenario?.report.functions[0]?.artifact;
      if (built?.kind === 'image') await removeImage(built.reference, { untagOnly: true }).catch(() => undefined);
      if (built?.kind === 'zip') {
        for (const file of [built.reference, built.reference.replace(/\.zip$/, ''), built.reference.replace(/\.zip$/, SBOM_SUFFIX)]) fs.rmSync(file, { recursive: true, force: true });
      }
    }
  };

  // Caches as this machine has them (a first run builds everything); the rows below start warm.
  const first = await verify('first verify in this run (caches as found)', specs);
  const noChange = await verify('no-change re-verify, all functions', specs);
  const zipEdit = await edited(`one-line handler edit, ZIP (${zipFunction.name}), verified`, zipFunction);
  const imageEdit = await edited(`one-line handler edit, image (${imageFunction.name}), verified`, imageFunction);
  const forced = await verify('full --force rebuild and verify, all functions', specs, true);
  const extra: BenchMetric[] = [];
  for (const measurement of props.extraMeasurements ?? []) extra.push(...(await measurement(context)));

  const seconds = (scenario: Scenario) => round(scenario.seconds, 1);
  const metrics: BenchMetric[] = [
    { name: noChange.name, value: seconds(noChange), unit: 's', target: { op: '<=', value: NO_CHANGE_TARGET_S }, note: cacheNote(noChange.report) },
    { name: zipEdit.name, value: seconds(zipEdit), unit: 's', target: { op: '<=', value: ZIP_EDIT_TARGET_S }, note: cacheNote(zipEdit.report) },
    { name: imageEdit.name, value: seconds(imageEdit), unit: 's', target: { op: '<=', value: IMAGE_EDIT_TARGET_S }, note: cacheNote(imageEdit.report) },
    { name: forced.name, value: seconds(forced), unit: 's', note: 'what sam build --use-container does on every build' },
    ...extra,
    { name: first.name, value: seconds(first), unit: 's', note: cacheNote(first.report) },
  ];
  const scenarios = [noChange, zipEdit, imageEdit, forced, first];
  return {
    section: 'inner-loop',
    description: 'edit -> verified: no-change re-verify, one-line ZIP and image edits, full --force rebuild',
    metrics,
    tables: [scenarioTable(scenarios)],
    details: { baseChoice, scenarios: scenarios.map((s) => ({ name: s.name, seconds: round(s.seconds, 2), phases: phaseSeconds(s.report) })) },
  };
}

/** Seconds per phase, summed over the run's functions (functions run in parallel: the sum can exceed the wall time). */
function phaseSeconds(report: VerifyReport): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const check of report.functions.flatMap((fn) => fn.checks)) {
    const phase = check.kind === 'boot' || check.kind === 'health' || check.kind === 'smoke' ? 'boot+checks' : check.kind;
    phases[phase] = round((phases[phase] ?? 0) + check.durationMs / 1000, 2);
  }
  return phases;
}

/** Which caches answered: "dashboard: build hit, inspect cached, import cached". */
function cacheNote(report: VerifyReport): string {
  return report.functions.map((fn) => `${fn.name}: ${cacheState(fn)}`).join('; ');
}

function cacheState(fn: FunctionReport): string {
  const inspect = fn.checks.find((check) => check.kind === 'inspect');
  const imports = fn.checks.filter((check) => check.kind === 'import');
  return [
    fn.artifact?.cacheHit ? 'artifact hit' : 'built',
    inspect?.cachedAt ? 'inspection cached' : 'inspected',
    imports.length > 0 && imports.every((check) => check.cachedAt) ? 'import smoke cached' : 'import smoke ran',
  ].join(', ');
}

function scenarioTable(scenarios: readonly Scenario[]): string {
  const rows = ['| Scenario | Wall | build | inspect | import smoke | boot + checks | Caches |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |'];
  for (const scenario of scenarios) {
    const phases = phaseSeconds(scenario.report);
    const cell = (phase: string) => `${(phases[phase] ?? 0).toFixed(1)} s`;
    rows.push(`| ${scenario.name} | ${scenario.seconds.toFixed(1)} s | ${cell('build')} | ${cell('inspect')} | ${cell('import')} | ${cell('boot+checks')} | ${cacheNote(scenario.report)} |`);
  }
  return rows.join('\n');
}

/** The section `npm run bench` lists. */
export function innerLoopBench(props: InnerLoopBenchProps): BenchSection {
  return {
    name: 'inner-loop',
    description: 'edit -> verified: no-change re-verify, one-line ZIP and image edits, full --force rebuild',
    run: (context) => measureInnerLoop(context, props),
  };
}
