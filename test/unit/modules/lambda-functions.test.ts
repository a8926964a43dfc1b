import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { ZipFunction, ZipFunctionProps } from '../../../modules/zip-function';
import { ImageFunction, ImageFunctionProps, parseEcrRepositoryUrl } from '../../../modules/image-function';
import { hexSha256ToBase64 } from '../../../modules/function-settings';
import { writePlaceholderZip, sha256Hex } from '../../../deploy/placeholder-manifest';
import { synthesizerFor } from './synthesize-construct';

Testing.setupJest();

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/preprod-sentiment-analysis';
const DIGEST = `sha256:${'a'.repeat(64)}`;
let dir: string;
let zipPath: string;
let zipSha: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-function-'));
  zipPath = path.join(dir, 'dashboard.zip');
  zipSha = sha256Hex(await writePlaceholderZip(zipPath, { 'handler.py': 'def lambda_handler(e, c):\n    return 1\n' }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function zipProps(overrides: Partial<ZipFunctionProps> = {}): ZipFunctionProps {
  return {
    functionName: 'preprod-sentiment-dashboard',
    handler: 'handler.lambda_handler',
    runtime: 'python3.13',
    architecture: 'x86_64',
    memoryMb: 512,
    timeoutSeconds: 30,
    roleArn: 'arn:aws:iam::123456789012:role/dashboard',
    environment: { DYNAMODB_TABLE: 'preprod-sentiment-items' },
    artifact: { zipPath, sha256: zipSha },
    artifactBucket: 'preprod-sentiment-artifacts',
    ...overrides,
  };
}

function imageProps(overrides: Partial<ImageFunctionProps> = {}): ImageFunctionProps {
  return {
    functionName: 'preprod-sentiment-analysis',
    handler: 'handler.lambda_handler',
    architecture: 'x86_64',
    memoryMb: 2048,
    timeoutSeconds: 120,
    roleArn: 'arn:aws:iam::123456789012:role/analysis',
    repositoryUrl: REPO,
    imageDigest: DIGEST,
    ...overrides,
  };
}

const synthZip = synthesizerFor(ZipFunction, zipProps);
const synthImage = synthesizerFor(ImageFunction, imageProps);

describe('ZipFunction', () => {
  it('deploys the archive from S3 under its sha256 and pins source_code_hash to those bytes', () => {
    const synthesized = synthZip();
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'preprod-sentiment-dashboard',
      package_type: 'Zip',
      runtime: 'python3.13',
      handler: 'handler.lambda_handler',
      architectures: ['x86_64'],
      memory_size: 512,
      timeout: 30,
      source_code_hash: Buffer.from(zipSha, 'hex').toString('base64'),
      s3_bucket: 'preprod-sentiment-artifacts',
      environment: { variables: { DYNAMODB_TABLE: 'preprod-sentiment-items' } },
    });
    expect(synthesized).toHaveResourceWithProperties(S3Object, {
      bucket: 'preprod-sentiment-artifacts',
      key: `preprod-sentiment-dashboard/${zipSha}.zip`,
      source: zipPath,
      source_hash: zipSha,
    });
  });

  it('converts hex sha256 to the base64 form Terraform compares', () => {
    expect(hexSha256ToBase64(sha256Hex(''))).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    expect(() => hexSha256ToBase64('abc')).toThrow(/64 lower-case hex/);
  });

  it.each([
    [{ memoryMb: 64 }, /memoryMb must be an integer from 128 to 10240.*got 64/],
    [{ memoryMb: 10241 }, /memoryMb must be an integer from 128 to 10240.*got 10241/],
    [{ timeoutSeconds: 0 }, /timeoutSeconds must be an integer from 1 to 900.*got 0/],
    [{ timeoutSeconds: 901 }, /timeoutSeconds must be an integer from 1 to 900.*got 901/],
    [{ handler: '' }, /handler is required and must look like 'module.function'/],
    [{ handler: 'handler' }, /handler is required and must look like 'module.function'.*got 'handler'/],
    [{ functionName: 'bad name!' }, /functionName must be 1-64/],
    [{ environment: { NEWSAPI_KEY: 'abc' } }, /'NEWSAPI_KEY' looks like a secret value.*Secrets Manager/],
    // The one secret-naming rule (model/secret-naming.ts): any word of the name, not only its end.
    [{ environment: { DB_PASSWORD_PROD: 'hunter2' } }, /'DB_PASSWORD_PROD' looks like a secret value/],
  ])('rejects %j with a clear message', (overrides, message) => {
    expect(() => synthZip(overrides)).toThrow(message);
  });

  it('accepts a reference to a secret under a name that says so', () => {
    const environment = { NEWSAPI_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:newsapi-key' };
    const synthesized = synthZip({ environment });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, { environment: { variables: environment } });
  });

  it('rejects an archive that is not on disk, pointing at npm run verify', () => {
    expect(() => synthZip({ artifact: { zipPath: path.join(dir, 'missing.zip'), sha256: zipSha } })).toThrow(/does not exist.*npm run verify/);
  });

  it('rejects a sha256 that is not 64 hex characters', () => {
    expect(() => synthZip({ artifact: { zipPath, sha256: 'deadbeef' } })).toThrow(/64 lower-case hex.*deadbeef/);
  });
});

describe('ImageFunction', () => {
  it('pins image_uri by digest and states the handler as the image command', () => {
    const synthesized = synthImage();
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'preprod-sentiment-analysis',
      package_type: 'Image',
      image_uri: `${REPO}@${DIGEST}`,
      image_config: { command: ['handler.lambda_handler'] },
      architectures: ['x86_64'],
      memory_size: 2048,
      timeout: 120,
    });
    const [lambda] = Object.values(JSON.parse(synthesized).resource.aws_lambda_function) as Record<string, unknown>[];
    expect(lambda).toBeDefined();
    expect(lambda).not.toHaveProperty('runtime');
  });

  it.each([
    [{ imageDigest: 'latest' }, /imageDigest must be a registry digest 'sha256:<64 hex>'.*got 'latest'/],
    [{ imageDigest: 'sha256:abc' }, /imageDigest must be a registry digest/],
    [{ repositoryUrl: 'docker.io/library/python' }, /is not an ECR repository URL/],
    [{ repositoryUrl: `${REPO}:v1` }, /is not an ECR repository URL/],
    [{ handler: '' }, /handler is required/],
    [{ memoryMb: 127 }, /memoryMb must be an integer from 128/],
  ])('rejects %j with a clear message', (overrides, message) => {
    expect(() => synthImage(overrides)).toThrow(message);
  });

  it('derives the repository ARN from its URL, for an ECR pull grant on that repository only', () => {
    expect(parseEcrRepositoryUrl(REPO).arn).toBe('arn:aws:ecr:eu-west-1:123456789012:repository/preprod-sentiment-analysis');
    expect(parseEcrRepositoryUrl('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/x').arn).toBe(
      'arn:aws-cn:ecr:cn-north-1:123456789012:repository/x',
    );
  });
});
