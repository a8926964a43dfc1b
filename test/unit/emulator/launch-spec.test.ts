import { launchSpecFromArtifact } from '../../../harness/emulator/launch-from-artifact';
import { LaunchSpec, lambdaEnvironment, validateLaunchSpec } from '../../../harness/emulator/launch-spec';
import { RuntimeBase, ZipArtifact, ImageArtifact } from '../../../harness/build/artifact';
import { LOCAL_AWS_ENV } from '../../../model/local-aws-account';

const spec: LaunchSpec = {
  image: 'lambda-standin/python:3.13', command: ['handler.lambda_handler'], memoryMb: 512, timeoutSeconds: 30,
  functionName: 'dashboard', region: 'eu-west-1',
  env: { AWS_LAMBDA_FUNCTION_NAME: 'spoofed', DYNAMODB_TABLE: 'local-items', AWS_ACCESS_KEY_ID: 'mine' },
};

describe('launch spec', () => {
  test('Lambda variables are set and reserved ones win over the function environment', () => {
    const env = lambdaEnvironment(spec, '127.0.0.1:4321');
    expect(env).toMatchObject({
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:4321',
      AWS_LAMBDA_FUNCTION_NAME: 'dashboard',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/dashboard',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      _HANDLER: 'handler.lambda_handler',
      DYNAMODB_TABLE: 'local-items',
      AWS_ACCESS_KEY_ID: 'mine', // the function's own credentials are kept
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env.AWS_SECRET_ACCESS_KEY).toBeTruthy(); // fake ones fill the gaps
  });

  test("without its own credentials a function gets the local account's fake ones, which no secret scanner flags", () => {
    const env = lambdaEnvironment({ ...spec, env: {} }, '127.0.0.1:4321');
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: LOCAL_AWS_ENV.AWS_SESSION_TOKEN,
    });
    // Inspection refuses AWS-style key ids (AKIA...) in an environment: the emulator's own must not look like one.
    expect(env.AWS_ACCESS_KEY_ID).not.toMatch(/^(AKIA|ASIA)/);
  });

  test('validation names the problem and the fix', () => {
    expect(() => validateLaunchSpec({ ...spec, memoryMb: 64 })).toThrow(/memoryMb must be an integer >= 128.*got 64/);
    expect(() => validateLaunchSpec({ ...spec, mounts: [{ hostPath: '/does/not/exist', containerPath: '/var/task', readOnly: true }] }))
      .toThrow(/mount source '\/does\/not\/exist' must be an existing absolute path/);
  });

  const base: RuntimeBase = { runtime: 'python3.13', architecture: 'x86_64', kind: 'standin', image: 'lambda-standin/python:3.13', buildImage: 'b', imageId: 'sha256:x', description: 'stand-in' };
  const common = { functionName: 'dashboard', contentHash: 'h', base, cacheHit: false, buildMs: 1 };

  test('a ZIP boots on its base with the archive read-only at /var/task and the handler as command', () => {
    const zip: ZipArtifact = { ...common, kind: 'zip', zipPath: '/tmp/a.zip', sha256: 's', bytes: 1, unpackedDir: '/tmp/unpacked' };
    const launch = launchSpecFromArtifact({ artifact: zip, handler: 'handler.lambda_handler', memoryMb: 512, timeoutSeconds: 30 });
    expect(launch).toMatchObject({ image: 'lambda-standin/python:3.13', command: ['handler.lambda_handler'], mounts: [{ hostPath: '/tmp/unpacked', containerPath: '/var/task', readOnly: true }] });
  });

  test("an image boots with its own CMD", () => {
    const image: ImageArtifact = { ...common, kind: 'image', tag: 'sentiment/analysis:abc', imageId: 'sha256:y', bytes: 1 };
    expect(launchSpecFromArtifact({ artifact: image, handler: 'ignored.x', memoryMb: 2048, timeoutSeconds: 120 })).toMatchObject({ image: 'sentiment/analysis:abc', command: [], mounts: [] });
  });
});
