/**
 * The app's stacks synthesized offline from a placeholder manifest, once per test file, as the
 * stack tests read them: `synthesizeOfflineStacks` registers the `beforeAll` that synthesizes and
 * the `afterAll` that removes the manifest fixture and the output. Read the result inside tests or
 * later hooks (it is empty before the `beforeAll` ran).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../../main';
import { PlaceholderManifest, createPlaceholderManifest } from '../../../deploy/placeholder-manifest';

export interface OfflineSynthesis {
  /** The placeholder manifest the stacks were synthesized from. */
  readonly fixture: PlaceholderManifest;
  /** The output directory: `stacks/<name>/cdk.tf.json`. */
  readonly outdir: string;
  /** A synthesized stack's Terraform JSON file. */
  stackJsonPath(name: string): string;
  /** A synthesized stack's Terraform JSON, parsed. */
  stackJson<T>(name: string): T;
}

export interface OfflineSynthesisOptions {
  /** @default every stack of the app */
  readonly stacks?: readonly string[];
  /** Give the app the manifest's path too (the deploy gate's Terraform preconditions read it). @default false */
  readonly withManifestPath?: boolean;
}

export function synthesizeOfflineStacks(tempPrefix: string, options: OfflineSynthesisOptions = {}): OfflineSynthesis {
  let fixture: PlaceholderManifest | undefined;
  let outdir: string | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The offline synthesis is read before its beforeAll ran: read it inside a test or a later hook.');
    return value;
  };
  const synthesis: OfflineSynthesis = {
    get fixture() {
      return ready(fixture);
    },
    get outdir() {
      return ready(outdir);
    },
    stackJsonPath: (name) => path.join(ready(outdir), 'stacks', name, 'cdk.tf.json'),
    stackJson: (name) => JSON.parse(fs.readFileSync(synthesis.stackJsonPath(name), 'utf8')),
  };
  beforeAll(async () => {
    fixture = await createPlaceholderManifest();
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix));
    buildApp({
      outdir,
      stacks: options.stacks,
      manifest: fixture.manifest,
      manifestPath: options.withManifestPath ? fixture.manifestPath : undefined,
      target: { kind: 'offline' },
      stateDir: path.join(outdir, 'state'),
    }).synth();
  });
  afterAll(() => {
    fixture?.remove();
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });
  return synthesis;
}
