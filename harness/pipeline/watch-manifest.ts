/**
 * The manifest under `emulate --watch`: only a version that passed is recorded (it replaces the
 * function's entry); a failed edit records nothing, so the manifest keeps vouching for the last
 * good version, which is also the one serving. Ad-hoc `--dir` functions are never recorded.
 */
import { writeManifestEntries } from '../../model/manifest';
import { isDeployable, manifestEntry } from './manifest-entry';
import { VerifiedFunction } from './verify-function';

/** Records a passing catalog version; returns false (nothing written) otherwise. */
export function recordPassedVersion(verified: VerifiedFunction, file?: string): boolean {
  const served = verified.served;
  if (!verified.report.passed || !served || !isDeployable(served.spec)) return false;
  writeManifestEntries([manifestEntry(served.spec, verified.report, served.artifact, new Date().toISOString())], file);
  return true;
}
