/**
 * Test fixture: a real artifact manifest with real (tiny) ZIP archives on disk, standing in for
 * what `npm run verify` writes. Image digests are made up: no registry exists here.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yazl from 'yazl';
import { CATALOG } from '../../../lambdas/catalog';
import { Manifest, ManifestEntry, ManifestVerification, choicesFor } from '../../../harness/manifest';
import { verifiedConfiguration } from '../../../harness/deploy-gate/verified-configuration';

export interface ManifestFixture {
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: Manifest;
  /** Rewrites the manifest file with changed entries. */
  write(manifest: Manifest): void;
  remove(): void;
}

export interface ManifestFixtureOptions {
  /** @default true */
  readonly passed?: boolean;
  /** @default true: image entries carry a (made-up) registry digest */
  readonly pushed?: boolean;
}

export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** A real, small ZIP archive with fixed timestamps. */
export function makeZip(file: string, entries: Readonly<Record<string, string>>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, content] of Object.entries(entries).sort()) {
      zip.addBuffer(Buffer.from(content), name, { mtime: new Date('1980-01-01T00:00:00Z'), mode: 0o100644 });
    }
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      const bytes = Buffer.concat(chunks);
      fs.writeFileSync(file, bytes);
      resolve(bytes);
    });
  });
}

export async function createManifestFixture(options: ManifestFixtureOptions = {}): Promise<ManifestFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentiment-manifest-'));
  const verification: ManifestVerification = {
    passed: options.passed ?? true,
    at: '2025-01-01T00:00:00.000Z',
    checks: 12,
    failed: options.passed === false ? 2 : 0,
    base: 'fixture (no containers ran)',
  };
  const functions: Record<string, ManifestEntry> = {};
  for (const spec of CATALOG) {
    const contentHash = sha256Hex(`content of ${spec.name}`);
    const common = {
      functionName: spec.name,
      contentHash,
      runtime: spec.runtime,
      architecture: spec.architecture,
      verification,
      configuration: verifiedConfiguration(spec, `sha256:${sha256Hex('fixture base')}`),
      choices: choicesFor(spec.name),
    };
    if (spec.packaging === 'zip') {
      const zipPath = path.join(dir, `${spec.name}.zip`);
      const bytes = await makeZip(zipPath, { 'handler.py': `def lambda_handler(event, context):\n    return {"function": "${spec.name}"}\n` });
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
