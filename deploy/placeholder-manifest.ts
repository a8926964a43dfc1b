/**
 * A placeholder artifact manifest with real (tiny) ZIP archives on disk, standing in for what
 * `npm run verify` writes, so the stacks can be synthesized and checked on any machine before
 * anything was built (`npm run check-stacks -- --placeholder-manifest`, checkov) and in tests.
 * Image digests are made up: it vouches for the stacks' shape, never for a deploy.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineCatalog, machineChoices } from '../harness/machine-catalog';
import { createDeterministicZip } from '../harness/build/deterministic-zip';
import { Manifest, ManifestEntry, ManifestVerification, choicesFor } from '../model/manifest';
import { verifiedConfiguration } from '../model/verified-configuration';

export interface PlaceholderManifest {
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: Manifest;
  /** Rewrites the manifest file with changed entries. */
  write(manifest: Manifest): void;
  remove(): void;
}

export interface PlaceholderManifestOptions {
  /** @default true */
  readonly passed?: boolean;
  /** @default true: image entries carry a (made-up) registry digest */
  readonly pushed?: boolean;
}

export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** A real, small ZIP of `entries` (name -> content), written by the build's deterministic ZIP writer; returns its bytes. */
export async function writePlaceholderZip(file: string, entries: Readonly<Record<string, string>>): Promise<Buffer> {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'sentiment-placeholder-zip-'));
  try {
    for (const [name, content] of Object.entries(entries)) {
      fs.mkdirSync(path.dirname(path.join(tree, name)), { recursive: true });
      fs.writeFileSync(path.join(tree, name), content);
    }
    await createDeterministicZip(tree, file);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}

/** Writes the manifest and its ZIPs into a new temporary directory (remove it with `remove()`). */
export async function createPlaceholderManifest(options: PlaceholderManifestOptions = {}): Promise<PlaceholderManifest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentiment-manifest-'));
  const verification: ManifestVerification = {
    passed: options.passed ?? true,
    at: '2025-01-01T00:00:00.000Z',
    checks: 12,
    failed: options.passed === false ? 2 : 0,
    base: 'fixture (no containers ran)',
  };
  const functions: Record<string, ManifestEntry> = {};
  for (const spec of machineCatalog()) {
    const contentHash = sha256Hex(`content of ${spec.name}`);
    const common = {
      functionName: spec.name,
      contentHash,
      runtime: spec.runtime,
      architecture: spec.architecture,
      verification,
      configuration: verifiedConfiguration(spec, `sha256:${sha256Hex('fixture base')}`),
      choices: choicesFor(spec.name, machineChoices()),
    };
    if (spec.packaging === 'zip') {
      const zipPath = path.join(dir, `${spec.name}.zip`);
      const bytes = await writePlaceholderZip(zipPath, { 'handler.py': `def lambda_handler(event, context):\n    return {"function": "${spec.name}"}\n` });
      functions[spec.name] = { ...common, kind: 'zip', zipPath, sha256: sha256Hex(bytes), bytes: bytes.length };
    } else {
      functions[spec.name] = {
        ...common,
        kind: 'image',
        tag: `sentiment/${spec.name}:${contentHash.slice(0, 12)}`,
        imageId: `sha256:${sha256Hex(`image ${spec.name}`)}`,
        repoDigest: options.pushed === false ? undefined : `sha256:${sha256Hex(`pushed ${spec.name}`)}`,
        bytes: 1000,
      };
    }
  }
  const manifest: Manifest = { version: 1, generatedAt: '2025-01-01T00:00:00.000Z', functions };
  const manifestPath = path.join(dir, 'manifest.json');
  const write = (next: Manifest) => fs.writeFileSync(manifestPath, JSON.stringify(next, null, 2));
  write(manifest);
  return { dir, manifestPath, manifest, write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
