/**
 * Static inspection with its verdicts cached by what they depend on: the artifact's bytes (a
 * ZIP's sha256; an image's layer digests and configuration), the target it is judged against
 * (runtime, architecture, handler) and the rule-pack version (rule-pack-version.ts). An unchanged
 * artifact is judged once; a changed rule, byte or target is a miss and inspects again.
 *
 * Rules that judge the run's environment (its values differ per run: local ports, secret ARNs)
 * are not cached: they run every time, on the image configuration or nothing (no file is read).
 * An image that misses is read layer by layer (image-layers.ts): only layers never seen before.
 */
import { performance } from 'node:perf_hooks';
import { KeyedCache } from '../build/keyed-cache';
import { applyAcknowledgements, inspectionPassed } from './acknowledgements';
import { DEFAULT_PACK } from './default-pack';
import { InspectOptions, inspectView } from './inspect';
import { LayerFacts, layerDigests, readImageByLayers } from './image-layers';
import { readImageConfig, readImageView } from './image-reader';
import { currentRulePackVersion } from './rule-pack-version';
import { ArtifactView, InspectionReport, InspectionRule, Verdict } from './types';
import { readZipView } from './zip-reader';

/** Rules whose verdict depends on the function's resolved environment, judged on every run. */
export const ENVIRONMENT_RULES: ReadonlySet<string> = new Set(['environment-secrets']);

export type InspectedArtifact =
  | { readonly kind: 'zip'; readonly zipPath: string; readonly sha256: string }
  | { readonly kind: 'image'; readonly tag: string };

export interface InspectionCacheProps {
  /** `.work`; the caches live in `.work/cache/inspection` and `.work/cache/image-layers`. */
  readonly workDir: string;
  /** Judge again and read every layer again (verify --force). @default false */
  readonly force?: boolean;
  /** @default currentRulePackVersion() */
  readonly rulePackVersion?: string;
}

export interface CachedInspection {
  readonly report: InspectionReport;
  /** When the reused verdict was judged; undefined when inspection ran now. */
  readonly cachedAt?: string;
  /** How the artifact was read when it ran: "read 1 of 23 layers (22 from the layer cache)". */
  readonly readNote?: string;
}

interface CachedVerdicts {
  readonly verdicts: readonly Verdict[];
  readonly readNote?: string;
}

export async function inspectCached(artifact: InspectedArtifact, options: InspectOptions, props: InspectionCacheProps): Promise<CachedInspection> {
  const started = performance.now();
  const pack = options.rules ?? DEFAULT_PACK;
  const byteRules = pack.filter((rule) => !ENVIRONMENT_RULES.has(rule.id));
  const environmentRules = pack.filter((rule) => ENVIRONMENT_RULES.has(rule.id));
  const verdictCache = KeyedCache.under<CachedVerdicts>(props.workDir, 'inspection');
  const inputs = {
    artifact: artifact.kind === 'zip' ? { zipSha256: artifact.sha256 } : { layers: await layerDigests(artifact.tag), config: await readImageConfig(artifact.tag) },
    target: { runtime: options.runtime, architecture: options.architecture, handler: options.handler ?? null, layersUnzippedBytes: options.layersUnzippedBytes ?? 0 },
    rulePack: props.rulePackVersion ?? currentRulePackVersion(),
    // A caller's own rule list (not the default pack) is named by its ids.
    rules: options.rules ? options.rules.map((rule) => rule.id) : 'default',
  };
  const hit = props.force ? undefined : verdictCache.read(inputs);
  // Rules run without acknowledgements here: what is cached is what the rules said about the bytes;
  // the catalog's acknowledgements (configuration, not bytes) are applied below on every run.
  const raw = { ...options, acknowledgements: [] };
  let view: ArtifactView;
  let byteVerdicts: readonly Verdict[];
  let readNote: string | undefined;
  if (hit) {
    view = artifact.kind === 'zip' ? configOnlyZipView(artifact.zipPath) : await readImageView(artifact.tag, { filesystem: false });
    byteVerdicts = hit.value.verdicts;
    readNote = hit.value.readNote;
  } else {
    const read = await readArtifact(artifact, props);
    view = read.view;
    readNote = read.note;
    byteVerdicts = inspectView(view, { ...raw, rules: byteRules }).verdicts;
    verdictCache.write(inputs, { verdicts: byteVerdicts, readNote });
  }
  const environmentVerdicts = inspectView(view, { ...raw, rules: environmentRules }).verdicts;
  const verdicts = applyAcknowledgements(orderLikePack(pack, [...byteVerdicts, ...environmentVerdicts]), options.acknowledgements ?? [], {
    functionName: options.functionName, rules: pack, kind: view.kind,
  });
  return {
    report: {
      target: view.source,
      runtime: options.runtime,
      architecture: options.architecture,
      verdicts,
      passed: inspectionPassed(verdicts),
      durationMs: performance.now() - started,
    },
    cachedAt: hit?.at,
    readNote,
  };
}

async function readArtifact(artifact: InspectedArtifact, props: InspectionCacheProps): Promise<{ view: ArtifactView; note?: string }> {
  if (artifact.kind === 'zip') return { view: await readZipView(artifact.zipPath) };
  const layerCache = KeyedCache.under<LayerFacts>(props.workDir, 'image-layers');
  const layered = await readImageByLayers(artifact.tag, layerCache, { force: props.force });
  if ('unavailable' in layered) {
    return { view: await readImageView(artifact.tag), note: `read the whole filesystem (layer by layer is not possible: ${layered.unavailable})` };
  }
  const reused = layered.layers - layered.layersRead;
  return { view: layered.view, note: `read ${layered.layersRead} of ${layered.layers} layers${reused > 0 ? ` (${reused} from the layer cache)` : ''}` };
}

/** A ZIP view with no files: enough for the rules that judge only the environment. */
function configOnlyZipView(zipPath: string): ArtifactView {
  return { kind: 'zip', source: zipPath, files: [], codeRoot: '', wheels: [], unzippedBytes: 0 };
}

function orderLikePack(pack: readonly InspectionRule[], verdicts: readonly Verdict[]): Verdict[] {
  const order = new Map(pack.map((rule, index) => [rule.id, index]));
  return [...verdicts].sort((a, b) => (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0));
}
