/**
 * The manifest entry of one verified catalog function: what was verified (the artifact) and with
 * which configuration, the one record `npm run verify` and `emulate --watch` both write.
 */
import * as path from 'node:path';
import { FunctionSpec } from '../../model/function-spec';
import { ManifestEntry, choicesFor, manifestSbom } from '../../model/manifest';
import { REPO_ROOT } from '../../model/paths';
import { verifiedConfiguration } from '../../model/verified-configuration';
import { FunctionReport } from '../suite/check-result';
import { Artifact } from '../build/artifact';
import { machineChoices } from '../machine-catalog';

/** Ad-hoc `--dir` functions are not deployable: only catalog functions enter the manifest. */
export function isDeployable(spec: FunctionSpec): boolean {
  return !path.isAbsolute(spec.sourceDir);
}

export function manifestEntry(spec: FunctionSpec, report: FunctionReport, artifact: Artifact, at: string): ManifestEntry {
  const common = {
    functionName: spec.name,
    contentHash: artifact.contentHash,
    runtime: spec.runtime,
    architecture: spec.architecture,
    verification: {
      passed: report.passed,
      at,
      checks: report.checks.length,
      failed: report.checks.filter((c) => !c.passed).length,
      base: report.base,
    },
    configuration: verifiedConfiguration(spec, artifact.base.imageId),
    choices: choicesFor(spec.name, machineChoices()),
    sbom: manifestSbom(artifact.sbom),
  };
  return artifact.kind === 'zip'
    ? { ...common, kind: 'zip', zipPath: path.relative(REPO_ROOT, artifact.zipPath), sha256: artifact.sha256, bytes: artifact.bytes }
    : { ...common, kind: 'image', tag: artifact.tag, imageId: artifact.imageId, bytes: artifact.bytes };
}
