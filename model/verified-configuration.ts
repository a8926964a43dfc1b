/**
 * The configuration a function runs with, as one comparable value: what `verify` booted it with
 * (recorded in the manifest beside the artifact hash) and what a stack deploys (computed from
 * the same catalog declaration at synth). ONE rule compares them, listing each difference; the
 * early refusal of `npm run deploy`, the Terraform preconditions and the tests all use it.
 */
import * as crypto from 'node:crypto';
import { CorsSpec, EnvironmentValue, FunctionSpec } from './function-spec';

/** Lambda's default /tmp size, in MB (the catalog may raise it). */
export const DEFAULT_EPHEMERAL_STORAGE_MB = 512;

/** Everything about a function that changes how it runs, except its code (the artifact hash covers that). */
export interface FunctionConfiguration {
  readonly packaging: 'zip' | 'image';
  readonly runtime: string;
  readonly architecture: string;
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly ephemeralStorageMb: number;
  /**
   * Variable name -> literal value, or `ref:<kind>` for a value the deployment supplies (a table
   * name, a secret's ARN: never a secret value).
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Function URL: auth type, invoke mode and CORS per environment; null without a URL. */
  readonly url: {
    readonly authType: string;
    readonly invokeMode: string;
    readonly cors: Readonly<Record<string, CorsSpec>>;
  } | null;
}

/** What `verify` records: the configuration, its fingerprint, and the base image it ran on. */
export interface VerifiedConfiguration {
  readonly configuration: FunctionConfiguration;
  /** sha256 (hex) of the canonical JSON of `configuration`. */
  readonly fingerprint: string;
  /**
   * Image id of the runtime base the function was verified on. Not part of the fingerprint: a
   * stack cannot state a base; the artifact's content hash (ZIP) or image digest already binds it.
   */
  readonly baseImageId: string;
}

function environmentValue(value: EnvironmentValue): string {
  if (typeof value === 'string') return value;
  return value.ref === 'secret-arn' ? `ref:secret-arn:${value.secret}` : `ref:${value.ref}`;
}

/** The configuration a catalog declaration asks for. */
export function functionConfiguration(spec: FunctionSpec): FunctionConfiguration {
  return {
    packaging: spec.packaging,
    runtime: spec.runtime,
    architecture: spec.architecture,
    handler: spec.handler,
    memoryMb: spec.memoryMb,
    timeoutSeconds: spec.timeoutSeconds,
    ephemeralStorageMb: spec.ephemeralStorageMb ?? DEFAULT_EPHEMERAL_STORAGE_MB,
    environment: Object.fromEntries(Object.entries(spec.environment ?? {}).map(([key, value]) => [key, environmentValue(value)])),
    url: spec.url ? { authType: spec.url.authType, invokeMode: spec.url.invokeMode, cors: spec.url.cors } : null,
  };
}

/** JSON with object keys sorted at every level, so equal values always serialize to equal bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configurationFingerprint(configuration: FunctionConfiguration): string {
  return crypto.createHash('sha256').update(canonicalJson(configuration)).digest('hex');
}

export function verifiedConfiguration(spec: FunctionSpec, baseImageId: string): VerifiedConfiguration {
  const configuration = functionConfiguration(spec);
  return { configuration, fingerprint: configurationFingerprint(configuration), baseImageId };
}

const show = (value: unknown): string => (value === undefined ? '(none)' : typeof value === 'string' ? value : canonicalJson(value));

/**
 * THE rule "synthesized function == verified configuration": every difference, for people:
 * `runtime: verified python3.13, stack deploys python3.12`. Empty when they are equal.
 */
export function configurationDifferences(verified: FunctionConfiguration, deployed: FunctionConfiguration): string[] {
  const differences: string[] = [];
  const scalar = (field: string, a: unknown, b: unknown) => {
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) differences.push(`${field}: verified ${show(a)}, stack deploys ${show(b)}`);
  };
  scalar('packaging', verified.packaging, deployed.packaging);
  scalar('runtime', verified.runtime, deployed.runtime);
  scalar('architecture', verified.architecture, deployed.architecture);
  scalar('handler', verified.handler, deployed.handler);
  scalar('memory', verified.memoryMb === undefined ? undefined : `${verified.memoryMb} MB`, `${deployed.memoryMb} MB`);
  scalar('timeout', verified.timeoutSeconds === undefined ? undefined : `${verified.timeoutSeconds} s`, `${deployed.timeoutSeconds} s`);
  scalar(
    'ephemeral storage',
    verified.ephemeralStorageMb === undefined ? undefined : `${verified.ephemeralStorageMb} MB`,
    `${deployed.ephemeralStorageMb} MB`,
  );
  const names = [...new Set([...Object.keys(verified.environment ?? {}), ...Object.keys(deployed.environment)])].sort();
  for (const name of names) {
    const a = verified.environment?.[name];
    const b = deployed.environment[name];
    if (a === undefined) differences.push(`environment ${name}: not verified, stack deploys ${b}`);
    else if (b === undefined) differences.push(`environment ${name}: verified ${a}, stack deploys none`);
    else if (a !== b) differences.push(`environment ${name}: verified ${a}, stack deploys ${b}`);
  }
  scalar('URL auth type', verified.url?.authType, deployed.url?.authType);
  scalar('URL invoke mode', verified.url?.invokeMode, deployed.url?.invokeMode);
  const environments = [...new Set([...Object.keys(verified.url?.cors ?? {}), ...Object.keys(deployed.url?.cors ?? {})])].sort();
  for (const env of environments) scalar(`URL CORS (${env})`, verified.url?.cors[env], deployed.url?.cors[env]);
  return differences;
}
