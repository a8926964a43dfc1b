/**
 * Reads back, from a synthesized stack's JSON, exactly which artifacts it would deploy: the ZIP
 * (`source_code_hash`, the S3 object's source file and hash) or the image (`image_uri` digest).
 * The deploy gate trusts this, not a second computation from the manifest.
 */
import * as fs from 'node:fs';
import { CONFIGURATION_TAG, FUNCTION_TAG } from '../stacks/naming';
import { base64Sha256ToHex } from '../modules/function-settings';

export type StackArtifact =
  | {
      readonly kind: 'zip';
      /** Catalog name (`dashboard`), from the function's tag. */
      readonly functionName: string;
      readonly deployedName: string;
      /** Fingerprint of the configuration the synthesized function deploys (its configuration tag). @default undefined: an older synthesis */
      readonly configurationFingerprint?: string;
      /** `source_code_hash` converted to hex. */
      readonly sourceCodeSha256: string;
      /** The archive file the S3 object uploads. */
      readonly uploadSource: string;
      /** The S3 object's `source_hash` (hex sha256). */
      readonly uploadSha256: string;
    }
  | {
      readonly kind: 'image';
      readonly functionName: string;
      readonly deployedName: string;
      readonly configurationFingerprint?: string;
      readonly imageUri: string;
      /** `sha256:...` after the `@` of `image_uri`; undefined when the URI is not pinned by digest. */
      readonly digest?: string;
    };

type Block = Record<string, unknown>;

interface StackJson {
  readonly resource?: Record<string, Record<string, Block>>;
}

function tagOf(block: Block): string | undefined {
  const tags = block.tags as Record<string, string> | undefined;
  return tags?.[FUNCTION_TAG];
}

export function readStackJson(file: string): StackJson {
  if (!fs.existsSync(file)) {
    throw new Error(`No synthesized stack at ${file}. Run \`npm run synth\` first.`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StackJson;
}

export function stackArtifacts(stack: StackJson): StackArtifact[] {
  const functions = stack.resource?.aws_lambda_function ?? {};
  const objects = stack.resource?.aws_s3_object ?? {};
  const artifacts: StackArtifact[] = [];
  for (const [logicalId, block] of Object.entries(functions)) {
    const deployedName = String(block.function_name ?? logicalId);
    const functionName = tagOf(block);
    const configurationFingerprint = (block.tags as Record<string, string> | undefined)?.[CONFIGURATION_TAG];
    if (!functionName) {
      throw new Error(
        `Lambda function '${deployedName}' (${logicalId}) carries no '${FUNCTION_TAG}' tag, so the deploy gate cannot tie it to a verified artifact. Build functions through stacks/catalog-function.ts.`,
      );
    }
    if (block.package_type === 'Image') {
      const imageUri = String(block.image_uri ?? '');
      const at = imageUri.lastIndexOf('@');
      artifacts.push({
        kind: 'image',
        functionName,
        deployedName,
        configurationFingerprint,
        imageUri,
        // A digest resolved at plan (an ECR image data source) is not known here.
        digest: at >= 0 && /^sha256:[0-9a-f]{64}$/.test(imageUri.slice(at + 1)) ? imageUri.slice(at + 1) : undefined,
      });
      continue;
    }
    // The S3 object is referenced by key (`${aws_s3_object.<id>.key}`): follow that reference.
    const keyRef = /^\$\{aws_s3_object\.([^.]+)\.key\}$/.exec(String(block.s3_key ?? ''));
    const object = keyRef ? objects[keyRef[1]] : undefined;
    if (!object) {
      throw new Error(
        `ZIP function '${deployedName}' does not take its code from an aws_s3_object of this stack (s3_key = ${JSON.stringify(block.s3_key)}); the deploy gate cannot tell which archive it deploys.`,
      );
    }
    artifacts.push({
      kind: 'zip',
      functionName,
      deployedName,
      configurationFingerprint,
      sourceCodeSha256: base64Sha256ToHex(String(block.source_code_hash ?? '')),
      uploadSource: String(object.source ?? ''),
      uploadSha256: String(object.source_hash ?? ''),
    });
  }
  return artifacts.sort((a, b) => a.functionName.localeCompare(b.functionName));
}
