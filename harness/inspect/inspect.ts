/**
 * The public API: inspect a ZIP or a local image against the function's target runtime and
 * architecture, with the default rule pack. `verify` calls these before booting anything.
 */
import { performance } from 'node:perf_hooks';
import { InspectionAcknowledgement } from '../../model/function-spec';
import { Architecture, PythonRuntime, assertArchitecture, runtimeFacts } from '../../model/runtimes';
import { applyAcknowledgements, inspectionPassed } from './acknowledgements';
import { DEFAULT_PACK, runRules } from './default-pack';
import { ImageReadOptions, readImageView } from './image-reader';
import { ArtifactView, InspectionReport, InspectionRule, InspectionTarget } from './types';
import { ZipReadOptions, readZipView } from './zip-reader';

export interface InspectOptions {
  readonly runtime: PythonRuntime;
  readonly architecture: Architecture;
  /** `module.function`. @default for images, the image's CMD[0]; for ZIPs, no handler check is possible without it */
  readonly handler?: string;
  /** The function's resolved environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Uncompressed size of the function's layers. @default 0 */
  readonly layersUnzippedBytes?: number;
  /** @default DEFAULT_PACK */
  readonly rules?: readonly InspectionRule[];
  /** Findings the function's catalog entry accepts, with reasons (they then do not fail). @default [] */
  readonly acknowledgements?: readonly InspectionAcknowledgement[];
  /** The catalog function inspected, for the acknowledgements' messages. @default none */
  readonly functionName?: string;
}

function validate(options: InspectOptions): InspectionTarget {
  runtimeFacts(options.runtime);
  assertArchitecture(options.architecture);
  return {
    runtime: options.runtime,
    architecture: options.architecture,
    handler: options.handler,
    environment: options.environment ?? {},
    layersUnzippedBytes: options.layersUnzippedBytes ?? 0,
  };
}

/** Judges an already-read view: pure, no I/O. */
export function inspectView(view: ArtifactView, options: InspectOptions, startedAt = performance.now()): InspectionReport {
  const target = validate(options);
  const rules = options.rules ?? DEFAULT_PACK;
  const verdicts = applyAcknowledgements(runRules(view, target, rules), options.acknowledgements ?? [], {
    functionName: options.functionName, rules, kind: view.kind,
  });
  return {
    target: view.source,
    runtime: target.runtime,
    architecture: target.architecture,
    verdicts,
    passed: inspectionPassed(verdicts),
    durationMs: performance.now() - startedAt,
  };
}

/** Reads and judges a Lambda ZIP (built by us or anywhere else). */
export async function inspectZip(zipPath: string, options: InspectOptions & ZipReadOptions): Promise<InspectionReport> {
  const startedAt = performance.now();
  validate(options);
  const view = await readZipView(zipPath, options);
  return inspectView(view, options, startedAt);
}

/** Reads (config + exported filesystem) and judges a local image. */
export async function inspectImage(reference: string, options: InspectOptions & ImageReadOptions): Promise<InspectionReport> {
  const startedAt = performance.now();
  validate(options);
  const view = await readImageView(reference, options);
  return inspectView(view, options, startedAt);
}
