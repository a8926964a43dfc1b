import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { FunctionUrl, FunctionUrlProps } from '../../../modules/function-url';
import { synthesizerFor } from './synthesize-construct';

Testing.setupJest();

const CORS = { allowOrigins: ['https://dashboard.example'], allowMethods: ['GET'], allowHeaders: ['x-api-key'], maxAgeSeconds: 300 };
const props = (overrides: Partial<FunctionUrlProps> = {}): FunctionUrlProps => ({
  functionName: 'prod-sentiment-dashboard',
  authType: 'NONE',
  invokeMode: 'BUFFERED',
  cors: CORS,
  ...overrides,
});

const synthUrl = synthesizerFor(FunctionUrl, props);

describe('FunctionUrl', () => {
  it('declares auth type, invoke mode and CORS', () => {
    const synthesized = synthUrl();
    expect(synthesized).toHaveResourceWithProperties(LambdaFunctionUrl, {
      function_name: 'prod-sentiment-dashboard',
      authorization_type: 'NONE',
      invoke_mode: 'BUFFERED',
      cors: {
        allow_origins: ['https://dashboard.example'],
        allow_methods: ['GET'],
        allow_headers: ['x-api-key'],
        max_age: 300,
        allow_credentials: false,
        expose_headers: [],
      },
    });
  });

  it('grants public InvokeFunctionUrl only, and only for auth type NONE', () => {
    const open = synthUrl();
    expect(open).toHaveResourceWithProperties(LambdaPermission, {
      action: 'lambda:InvokeFunctionUrl',
      principal: '*',
      function_url_auth_type: 'NONE',
    });
    const iam = synthUrl({ authType: 'AWS_IAM' });
    expect(iam).toHaveResourceWithProperties(LambdaFunctionUrl, { authorization_type: 'AWS_IAM' });
    expect(iam).not.toHaveResource(LambdaPermission);
  });

  it('allows a wildcard origin only when asked to (pre-production)', () => {
    const wildcard = { ...CORS, allowOrigins: ['*'] };
    expect(() => synthUrl({ cors: wildcard })).toThrow(
      /CORS allowOrigins '\*' is not allowed here \(pre-production only\)/,
    );
    const synthesized = synthUrl({ cors: wildcard, allowWildcardOrigin: true });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunctionUrl, { cors: expect.objectContaining({ allow_origins: ['*'] }) });
  });

  it.each([
    [{ authType: 'OPEN' as never }, /authType must be 'NONE' or 'AWS_IAM', got 'OPEN'/],
    [{ invokeMode: 'STREAM' as never }, /invokeMode must be 'BUFFERED' or 'RESPONSE_STREAM', got 'STREAM'/],
    [{ cors: { ...CORS, allowOrigins: [] } }, /allowOrigins is empty/],
    [{ cors: { ...CORS, allowMethods: ['FETCH'] } }, /unknown CORS methods FETCH/],
    [{ cors: { ...CORS, maxAgeSeconds: 100000 } }, /maxAgeSeconds must be an integer from 0 to 86400, got 100000/],
    [{ cors: { ...CORS, allowOrigins: ['*'], allowCredentials: true }, allowWildcardOrigin: true }, /cannot allow credentials with origin '\*'/],
  ])('rejects %j with a clear message', (overrides, message) => {
    expect(() => synthUrl(overrides)).toThrow(message);
  });
});
