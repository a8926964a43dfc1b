/**
 * The deploy gate's early refusal (`npm run deploy`, before `terraform init`): a stack may deploy
 * only when the manifest records a passing verification of exactly the configuration and the ZIP
 * hashes / image digests the synthesized stack references, and every ZIP on disk still has the
 * bytes that were verified. The same rule travels inside the stack as Terraform preconditions
 * (terraform-gate.ts), so `cdktf deploy` and `terraform apply` refuse the same functions.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { catalogFor } from '../lambdas/catalog';
import { FunctionSpec } from '../model/function-spec';
import { Manifest, recordedMachineChoices } from '../model/manifest';
import { StackArtifact, readStackJson, stackArtifacts } from './stack-artifacts';
import { configurationDifferences, configurationFingerprint, functionConfiguration } from '../model/verified-configuration';
import { machineChoices } from '../harness/machine-catalog';

export interface FunctionVerdict {
  readonly functionName: string;
  readonly deployedName: string;
  /** What the stack would deploy: `zip sha256:...` or the image URI. */
  readonly deploys: string;
  readonly problems: readonly string[];
}

export interface DeployGateVerdict {
  readonly stackName: string;
  readonly allowed: boolean;
  readonly functions: readonly FunctionVerdict[];
}

export interface DeployGateInput {
  readonly stackName: string;
  /** Path of the synthesized `cdk.tf.json`. */
  readonly stackJsonPath: string;
  readonly manifest: Manifest;
  /** Declarations the stack was synthesized from. @default the catalog with the manifest's recorded machine choices */
  readonly catalog?: readonly FunctionSpec[];
}

function fileSha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The configuration rule: the synthesized function deploys exactly what was verified. */
function configurationProblems(artifact: StackArtifact, entry: Manifest['functions'][string], spec: FunctionSpec | undefined): string[] {
  if (!spec) return [`the catalog has no function '${artifact.functionName}'`];
  const deployed = functionConfiguration(spec);
  if (artifact.configurationFingerprint !== configurationFingerprint(deployed)) {
    return ['the synthesized stack does not deploy the catalog\'s current configuration (synthesized before a catalog edit, or by an older version): synthesize again'];
  }
  if (!entry.configuration) return ['the manifest records no verified configuration for it (written by an older verify)'];
  const differences = configurationDifferences(entry.configuration.configuration, deployed);
  if (differences.length === 0 && entry.configuration.fingerprint !== artifact.configurationFingerprint) {
    return [`configuration fingerprint: verified ${entry.configuration.fingerprint}, stack deploys ${artifact.configurationFingerprint}`];
  }
  return differences;
}

function problemsFor(artifact: StackArtifact, manifest: Manifest, spec: FunctionSpec | undefined): string[] {
  const entry = manifest.functions[artifact.functionName];
  if (!entry) return ['no entry in the manifest: it was never verified'];
  const problems: string[] = [];
  const v = entry.verification;
  if (!v?.passed) {
    problems.push(`verification FAILED (${v?.failed ?? '?'} of ${v?.checks ?? '?'} checks failed at ${v?.at ?? '?'} on ${v?.base ?? '?'})`);
  }
  problems.push(...configurationProblems(artifact, entry, spec));
  if (entry.kind !== artifact.kind) {
    problems.push(`the stack deploys a ${artifact.kind} but the manifest verified a ${entry.kind}`);
    return problems;
  }
  if (artifact.kind === 'zip' && entry.kind === 'zip') {
    if (artifact.sourceCodeSha256 !== entry.sha256) {
      problems.push(`source_code_hash is sha256 ${artifact.sourceCodeSha256}, the manifest verified ${entry.sha256}`);
    }
    if (artifact.uploadSha256 !== entry.sha256) {
      problems.push(`the S3 upload is recorded as sha256 ${artifact.uploadSha256}, the manifest verified ${entry.sha256}`);
    }
    if (!fs.existsSync(artifact.uploadSource)) {
      problems.push(`the archive ${artifact.uploadSource} is missing from disk`);
    } else {
      const onDisk = fileSha256(artifact.uploadSource);
      if (onDisk !== entry.sha256) {
        problems.push(`the archive ${artifact.uploadSource} changed on disk since verification: sha256 ${onDisk}, verified ${entry.sha256}`);
      }
    }
  } else if (artifact.kind === 'image' && entry.kind === 'image') {
    if (!entry.repoDigest) {
      problems.push(`the verified image ${entry.tag} was not published yet: deploy the registry stack, then run scripts/publish-images.ts`);
    } else if (!artifact.digest) {
      problems.push(`image_uri '${artifact.imageUri}' is not pinned by digest; the manifest published ${entry.repoDigest} (synthesize again)`);
    } else if (artifact.digest !== entry.repoDigest) {
      problems.push(`image digest is ${artifact.digest}, the manifest verified ${entry.repoDigest}`);
    }
  }
  return problems;
}

export function checkDeployGate(input: DeployGateInput): DeployGateVerdict {
  const artifacts = stackArtifacts(readStackJson(input.stackJsonPath));
  const catalog = input.catalog ?? catalogFor(recordedMachineChoices(input.manifest, machineChoices()));
  const functions = artifacts.map((artifact) => ({
    functionName: artifact.functionName,
    deployedName: artifact.deployedName,
    deploys: artifact.kind === 'zip' ? `zip sha256:${artifact.sourceCodeSha256}` : artifact.imageUri,
    problems: problemsFor(artifact, input.manifest, catalog.find((spec) => spec.name === artifact.functionName)),
  }));
  return { stackName: input.stackName, allowed: functions.every((f) => f.problems.length === 0), functions };
}

/** A report for people: every function, what it would deploy, and why the gate said no. */
export function formatVerdict(verdict: DeployGateVerdict): string {
  const lines: string[] = [];
  if (verdict.functions.length === 0) {
    return `Deploy gate for '${verdict.stackName}': the stack deploys no function artifacts; nothing to vouch for.`;
  }
  lines.push(
    verdict.allowed
      ? `Deploy gate for '${verdict.stackName}': every artifact has a passing verification.`
      : `Deploy gate REFUSED '${verdict.stackName}': nothing was deployed. The manifest does not vouch for these artifacts:`,
  );
  for (const fn of verdict.functions) {
    const mark = fn.problems.length === 0 ? 'ok     ' : 'REFUSED';
    lines.push(`  ${mark} ${fn.functionName} (${fn.deployedName}) deploys ${fn.deploys}`);
    for (const problem of fn.problems) lines.push(`          - ${problem}`);
  }
  if (!verdict.allowed) {
    const refused = verdict.functions.filter((fn) => fn.problems.length > 0).map((fn) => fn.functionName);
    lines.push(
      `  Fix: npm run verify -- ${refused.join(' ')}   (builds, verifies and records them), publish images if needed, then deploy again; it re-synthesizes from the new manifest.`,
    );
  }
  return lines.join('\n');
}
