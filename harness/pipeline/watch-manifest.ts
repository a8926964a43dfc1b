/**
 * The manifest under `emulate --watch`: only a version that passed is recorded (it replaces the
 * function's entry); a failed edit records nothing, so the manifest keeps vouching for the last
 * good version, which is also the one serving. Ad-hoc `--dir` functions are never recorded.
 */
import * as path from 'node:path';
import { REPO_ROOT } from '../../model/paths';
import { verifiedConfiguration } from '../../model/verified-configuration';
import { ManifestEntry, choicesFor, manifestSbom, writeManifestEntries } from '../../model/manifest';
import { machineChoices } from '../machine-catalog';
import { VerifiedFunction } from './verify-function';

/** Records a passing catalog version; returns false (nothing written) otherwise. */
export function recordPassedVersion(verified: VerifiedFunction, file?: string): boolean {
  const served = verified.served;
  if (!verified.report.passed || !served || path.isAbsolute(served.spec.sourceDir)) return false;
  const { spec, artifact } = served;
  const checks = verified.report.checks;
  const entry: ManifestEntry = {
    functionName: spec.name,
    contentHash: artifact.contentHash,
    runtime: spec.runtime,
    architecture: spec.architecture,
    verification: { passed: true, at: new Date().toISOString(), checks: checks.length, failed: 0, base: verified.report.base },
    configuration: verifiedConfiguration(spec, artifact.base.imageId),
    choices: choicesFor(spec.name, machineChoices()),
    sbom: manifestSbom(artifact.sbom),
    ...(artifact.kind === 'zip'
      ? { kind: 'zip', zipPath: path.relative(REPO_ROOT, artifact.zipPath), sha256: artifact.sha256, bytes: artifact.bytes }
      : { kind: 'image', tag: artifact.tag, imageId: artifact.imageId, bytes: artifact.bytes }),
  } as ManifestEntry;
  writeManifestEntries([entry], file);
  return true;
}
