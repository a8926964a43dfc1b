/**
 * A Lambda function deployed from a verified ZIP: the archive goes to S3 under a key named by its
 * SHA-256, and `source_code_hash` pins the function to exactly those bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { PythonRuntime, runtimeFacts } from '../model/runtimes';
import { FunctionSettings, commonFunctionArguments, hexSha256ToBase64, validateFunctionSettings } from './function-settings';

export interface ZipFunctionProps extends FunctionSettings {
  readonly runtime: PythonRuntime;
  /** The verified archive: absolute path on disk and the SHA-256 (hex) the manifest recorded. */
  readonly artifact: { readonly zipPath: string; readonly sha256: string };
  /** Name of the bucket that stores deployment archives. */
  readonly artifactBucket: string;
  /** Resources the function must wait for (its log group, its role policy). @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export class ZipFunction extends Construct {
  readonly function: LambdaFunction;
  readonly artifactObject: S3Object;

  constructor(scope: Construct, id: string, props: ZipFunctionProps) {
    super(scope, id);
    validateFunctionSettings(props);
    runtimeFacts(props.runtime);
    const where = `ZIP function '${props.functionName}'`;
    if (!path.isAbsolute(props.artifact.zipPath)) {
      throw new Error(`${where}: artifact.zipPath must be absolute, got '${props.artifact.zipPath}'.`);
    }
    // A missing archive is not a synth error: the deploy gate's preconditions refuse it at plan,
    // so a fresh clone can synthesize every stack (see stacks/terraform-gate.ts).
    if (!fs.existsSync(props.artifact.zipPath) && !props.preconditions?.length) {
      throw new Error(
        `${where}: the verified archive ${props.artifact.zipPath} does not exist. Run \`npm run verify\` to rebuild and re-verify it.`,
      );
    }
    const sourceCodeHash = hexSha256ToBase64(props.artifact.sha256);

    // Keyed by content: a new archive is a new object, the old one stays for rollback.
    this.artifactObject = new S3Object(this, 'artifact', {
      bucket: props.artifactBucket,
      key: `${props.functionName}/${props.artifact.sha256}.zip`,
      source: props.artifact.zipPath,
      sourceHash: props.artifact.sha256,
      contentType: 'application/zip',
      tags: { ...props.tags },
      // The gate also guards the upload: unverified bytes never reach the bucket.
      lifecycle: props.preconditions?.length ? { precondition: props.preconditions.map((p) => ({ ...p })) } : undefined,
    });

    this.function = new LambdaFunction(this, 'function', {
      ...commonFunctionArguments(props),
      packageType: 'Zip',
      s3Bucket: props.artifactBucket,
      s3Key: this.artifactObject.key,
      sourceCodeHash,
      runtime: props.runtime,
      handler: props.handler,
      dependsOn: [this.artifactObject, ...(props.dependsOn ?? [])],
    });
  }
}
