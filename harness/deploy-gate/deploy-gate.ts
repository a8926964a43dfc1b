/**
 * The deploy gate: a stack may deploy only when the manifest records a passing verification for
 * exactly the ZIP hashes and image digests the synthesized stack references, and every ZIP on
 * disk still has the bytes that were verified.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Manifest } from '../manifest';
import { StackArtifact, readStackJson, stackArtifacts } from './stack-artifacts';

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
}

function fileSha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function problemsFor(artifact: StackArtifact, manifest: Manifest): string[] {
  const entry = manifest.functions[artifact.functionName];
  if (!entry) return ['no entry in the manifest: it was never verified'];
  const problems: string[] = [];
  const v = entry.verification;
  if (!v?.passed) {
    problems.push(`verification FAILED (${v?.failed ?? '?'} of ${v?.checks ?? '?'} checks failed at ${v?.at ?? '?'} on ${v?.base ?? '?'})`);
  }
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
    if (!artifact.digest || !/^sha256:[0-9a-f]{64}$/.test(artifact.digest)) {
      problems.push(`image_uri '${artifact.imageUri}' is not pinned by digest`);
    } else if (!entry.repoDigest) {
      problems.push(`the manifest has no pushed digest for ${entry.tag}; the stack wants ${artifact.digest}`);
    } else if (artifact.digest !== entry.repoDigest) {
      problems.push(`image digest is ${artifact.digest}, the manifest verified ${entry.repoDigest}`);
    }
  }
  return problems;
}

export function checkDeployGate(input: DeployGateInput): DeployGateVerdict {
  const artifacts = stackArtifacts(readStackJson(input.stackJsonPath));
  const functions = artifacts.map((artifact) => ({
    functionName: artifact.functionName,
    deployedName: artifact.deployedName,
    deploys: artifact.kind === 'zip' ? `zip sha256:${artifact.sourceCodeSha256}` : artifact.imageUri,
    problems: problemsFor(artifact, input.manifest),
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
    lines.push(
      '  Fix: run `npm run verify` (builds, verifies and records every artifact), publish images if needed, then `npm run deploy` again; it re-synthesizes from the new manifest.',
    );
  }
  return lines.join('\n');
}
