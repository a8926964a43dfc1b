/**
 * Reads image manifests from an OCI / Docker registry over the Registry HTTP API v2: which digest a
 * tag resolves to, and which image (config digest = the local image id) it names. Used by
 * publishing to stay idempotent under immutable tags. Loopback registries speak plain HTTP (the
 * `docker-registry` of the tests); others HTTPS with the credentials `docker login` stored.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { EnvironmentUnavailableError } from '../model/error-codes';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
];

export interface RemoteManifest {
  /** The registry's digest of the manifest (`Docker-Content-Digest`): what a function pins. */
  readonly digest: string;
  /** The image config's digest: equal to the local image id of the image that was pushed. */
  readonly configDigest: string;
  readonly mediaType: string;
  /** The manifest exactly as the registry serves it (its sha256 is the digest). */
  readonly body: string;
}

function isLoopback(registry: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(registry);
}

/** Basic credentials `docker login` stored for this registry, if any. */
function storedAuth(registry: string): string | undefined {
  const file = path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json');
  if (!fs.existsSync(file)) return undefined;
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { auths?: Record<string, { auth?: string }> };
  const entry = config.auths?.[registry] ?? config.auths?.[`https://${registry}`];
  return entry?.auth;
}

/** The manifest `registry/repository:reference` resolves to, or undefined when the registry has no such tag. */
export async function fetchRemoteManifest(registry: string, repository: string, reference: string): Promise<RemoteManifest | undefined> {
  const url = `${isLoopback(registry) ? 'http' : 'https'}://${registry}/v2/${repository}/manifests/${reference}`;
  const auth = storedAuth(registry);
  const response = await request(url, {
    method: 'GET',
    headers: { accept: MANIFEST_MEDIA_TYPES.join(', '), ...(auth ? { authorization: `Basic ${auth}` } : {}) },
  }).catch((error: Error) => {
    throw new EnvironmentUnavailableError(`Could not reach the registry ${registry} (${error.message}). Is it running, and is the address right?`);
  });
  const body = await response.body.text();
  if (response.statusCode === 404) return undefined;
  if (response.statusCode !== 200) {
    throw new Error(
      `The registry ${registry} answered ${response.statusCode} for ${repository}:${reference}: ${body.slice(0, 300)}. ${
        response.statusCode === 401 ? 'Log in first (docker login; in CI amazon-ecr-login).' : ''
      }`,
    );
  }
  const manifest = JSON.parse(body) as { mediaType?: string; config?: { digest?: string } };
  const header = response.headers['docker-content-digest'];
  const digest = (Array.isArray(header) ? header[0] : header) ?? `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`;
  if (!manifest.config?.digest) throw new Error(`${registry}/${repository}:${reference} is not a single-image manifest (no config digest).`);
  return {
    digest,
    configDigest: manifest.config.digest,
    mediaType: manifest.mediaType ?? String(response.headers['content-type'] ?? MANIFEST_MEDIA_TYPES[0]),
    body,
  };
}
