/**
 * The deploy gate as Terraform preconditions, so every path that plans the synthesized stack
 * (`cdktf plan|deploy`, `terraform plan|apply` in cdktf.out, `npm run deploy`, CI) refuses the
 * same way. The conditions are evaluated by Terraform at plan, against the files on disk then:
 * the manifest must record a passing verification of exactly the configuration the stack deploys
 * (its fingerprint), and the ZIP on disk must still have the verified sha256 (`filesha256()`).
 * The messages are written at synth from the same rule (`configurationDifferences`).
 */
import { ManifestEntry } from '../model/manifest';
import { FunctionConfiguration, configurationDifferences, configurationFingerprint } from '../model/verified-configuration';

export interface Precondition {
  readonly condition: string;
  readonly errorMessage: string;
}

export interface FunctionGateInput {
  /** Catalog name: `dashboard`. */
  readonly functionName: string;
  /** `preprod-sentiment-dashboard` */
  readonly deployedName: string;
  /** What the stack deploys (from the catalog declaration). */
  readonly deployed: FunctionConfiguration;
  /** The manifest's entry at synth time. @default undefined: never verified */
  readonly entry?: ManifestEntry;
  /** Absolute path of the manifest Terraform reads at plan. */
  readonly manifestPath: string;
}

/** A Terraform string literal (JSON string syntax is valid HCL for the characters we emit). */
const literal = (value: string): string => JSON.stringify(value);

/**
 * Name of the Terraform local holding the manifest as read from disk at plan (a precondition must
 * refer to some object of the configuration; this one is the manifest itself).
 */
export const MANIFEST_LOCAL = 'deploy_gate_manifest';

/** The local's value: the manifest file decoded when Terraform plans, or {} when there is none. */
export function manifestLocalExpression(manifestPath: string): string {
  return `\${try(jsondecode(file(${literal(manifestPath)})), {})}`;
}

/** `try(local.<manifest>.functions["fn"].<field>, fallback)`. */
function manifestField(input: FunctionGateInput, field: string, fallback: string): string {
  return `try(local.${MANIFEST_LOCAL}.functions[${literal(input.functionName)}].${field}, ${fallback})`;
}

const fix = (functionName: string) => `Fix: npm run verify -- ${functionName}   (then synthesize and plan again)`;

function header(input: FunctionGateInput): string {
  return `Deploy gate: function '${input.functionName}' (${input.deployedName}) is not deployable as synthesized.`;
}

/** Why the manifest does not vouch for this configuration, as known at synth. */
export function verificationProblems(input: FunctionGateInput): string[] {
  const { entry } = input;
  if (!entry) return [`never verified: the manifest ${input.manifestPath} has no entry for it`];
  const problems: string[] = [];
  const v = entry.verification;
  if (!v?.passed) problems.push(`its verification FAILED (${v?.failed ?? '?'} of ${v?.checks ?? '?'} checks failed at ${v?.at ?? '?'})`);
  if (!entry.configuration) {
    problems.push('the manifest records no verified configuration for it (written by an older verify)');
  } else {
    problems.push(...configurationDifferences(entry.configuration.configuration, input.deployed));
  }
  return problems;
}

function message(input: FunctionGateInput, problems: readonly string[], fallback: string): string {
  const lines = problems.length > 0 ? problems : [fallback];
  return [header(input), ...lines.map((line) => `  - ${line}`), `  ${fix(input.functionName)}`].join('\n');
}

/** Condition + message: a passing verification of exactly the deployed configuration. */
export function verifiedConfigurationPrecondition(input: FunctionGateInput): Precondition {
  const fingerprint = configurationFingerprint(input.deployed);
  return {
    condition:
      `\${${manifestField(input, 'verification.passed', 'false')} == true && ` +
      `${manifestField(input, 'configuration.fingerprint', '""')} == ${literal(fingerprint)}}`,
    errorMessage: message(
      input,
      verificationProblems(input),
      `the manifest ${input.manifestPath} does not record a passing verification of this configuration (fingerprint ${fingerprint}); it changed after synthesis`,
    ),
  };
}

/** Condition + message: the archive on disk is byte for byte the verified one. */
export function verifiedZipPrecondition(input: FunctionGateInput, zip: { readonly path: string; readonly sha256: string }): Precondition {
  return {
    condition:
      `\${try(filesha256(${literal(zip.path)}), "missing") == ${literal(zip.sha256)} && ` +
      `${manifestField(input, 'sha256', '""')} == ${literal(zip.sha256)}}`,
    errorMessage: message(
      input,
      [
        input.entry?.kind === 'zip'
          ? `the archive ${zip.path} is not the verified one: the manifest recorded sha256 ${zip.sha256}, and the file on disk was replaced, removed or re-verified since synthesis`
          : 'no verified archive exists for it',
      ],
      '',
    ),
  };
}

/** Condition + message: the verified image was published, so its tag can be looked up. */
export function publishedImagePrecondition(input: FunctionGateInput, environment: string): Precondition {
  const published = input.entry?.kind === 'image' && input.entry.repoDigest;
  return {
    condition: `\${${manifestField(input, 'repoDigest', '""')} != ""}`,
    errorMessage: [
      header(input),
      `  - ${published ? 'the manifest on disk no longer records a published digest' : 'the verified image was not published to the registry yet'}`,
      `  Fix: deploy the registry stack, then npx tsx scripts/publish-images.ts ${environment} (it pushes the verified image and records its digest)`,
    ].join('\n'),
  };
}

/** Condition + message: the registry's tag resolves to the digest that was published from the verified image. */
export function imageDigestPrecondition(input: FunctionGateInput, registryDigest: string, verifiedDigest: string, tag: string): Precondition {
  return {
    condition: `\${${registryDigest} == ${literal(verifiedDigest)} && ${manifestField(input, 'repoDigest', '""')} == ${literal(verifiedDigest)}}`,
    errorMessage: message(
      input,
      [`the registry's tag ${tag} does not resolve to the published verified image ${verifiedDigest}`],
      '',
    ),
  };
}
