// Rule encoded: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html ("Control access to Lambda
// function URLs"): since October 2025 a new NONE Function URL needs both lambda:InvokeFunctionUrl and
// lambda:InvokeFunction for principal '*'; otherwise 403 AccessDeniedException with the body below.
import {
  FORBIDDEN_BODY,
  LambdaPermissionResource,
  judgeFunctionUrlAccess,
  lambdaPermissionsByFunction,
  refusalFor,
} from '../../../harness/emulator/function-url-authorization';

const URL_GRANT: LambdaPermissionResource = {
  statement_id: 'AllowPublicFunctionUrlInvoke',
  action: 'lambda:InvokeFunctionUrl',
  principal: '*',
  function_url_auth_type: 'NONE',
};
const INVOKE_GRANT: LambdaPermissionResource = { statement_id: 'AllowPublicFunctionInvokeForUrl', action: 'lambda:InvokeFunction', principal: '*' };

describe('Function URL authorization (auth type NONE)', () => {
  it('lets anonymous callers through only with both permissions', () => {
    expect(judgeFunctionUrlAccess('NONE', [URL_GRANT, INVOKE_GRANT])).toEqual({
      allowed: true,
      basis: 'statements AllowPublicFunctionUrlInvoke + AllowPublicFunctionInvokeForUrl',
    });
    expect(judgeFunctionUrlAccess('NONE', [URL_GRANT])).toEqual({
      allowed: false,
      reason: expect.stringMatching(/^the function's resource policy lacks lambda:InvokeFunction for principal '\*'; since October 2025/),
    });
    expect(judgeFunctionUrlAccess('NONE', [INVOKE_GRANT])).toMatchObject({ allowed: false, reason: expect.stringContaining('lacks lambda:InvokeFunctionUrl') });
    expect(judgeFunctionUrlAccess('NONE', [])).toMatchObject({ allowed: false, reason: expect.stringContaining('InvokeFunctionUrl') });
  });

  it('does not count grants narrowed to a service, a source, an account, an organisation, an alias or IAM URLs', () => {
    const narrowed: LambdaPermissionResource[] = [
      { ...INVOKE_GRANT, principal: 'sns.amazonaws.com' },
      { ...INVOKE_GRANT, source_arn: 'arn:aws:sns:us-east-1:123456789012:t' },
      { ...INVOKE_GRANT, source_account: '123456789012' },
      { ...INVOKE_GRANT, principal_org_id: 'o-abc' },
      { ...INVOKE_GRANT, qualifier: 'live' },
    ];
    for (const grant of narrowed) expect(judgeFunctionUrlAccess('NONE', [URL_GRANT, grant]).allowed).toBe(false);
    expect(judgeFunctionUrlAccess('NONE', [{ ...URL_GRANT, function_url_auth_type: 'AWS_IAM' }, INVOKE_GRANT]).allowed).toBe(false);
    expect(judgeFunctionUrlAccess('NONE', [{ ...URL_GRANT, action: 'lambda:*' }, { ...INVOKE_GRANT, action: 'lambda:*' }]).allowed).toBe(true);
  });

  it('leaves AWS_IAM URLs to the caller (the local front signs nothing)', () => {
    expect(judgeFunctionUrlAccess('AWS_IAM', []).allowed).toBe(true);
  });

  it("answers Lambda's own 403 body and error type", () => {
    expect(JSON.parse(FORBIDDEN_BODY)).toEqual({
      Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
    });
    expect(refusalFor({ allowed: false, reason: 'x' })).toEqual({ status: 403, errorType: 'AccessDeniedException', body: FORBIDDEN_BODY });
    expect(refusalFor({ allowed: true, basis: 'x' })).toBeUndefined();
    expect(refusalFor(undefined)).toBeUndefined();
  });

  it('groups synthesized permissions by the function they name (reference or literal name)', () => {
    const stack = {
      resource: {
        aws_lambda_function: {
          dash_fn_1: { function_name: 'preprod-sentiment-dashboard', tags: { SentimentFunction: 'dashboard' } },
          ingest_fn_2: { function_name: 'preprod-sentiment-ingestion', tags: { SentimentFunction: 'ingestion' } },
        },
        aws_lambda_permission: {
          a: { ...URL_GRANT, function_name: '${aws_lambda_function.dash_fn_1.function_name}' },
          b: { ...INVOKE_GRANT, function_name: 'preprod-sentiment-dashboard' },
          c: { action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com', function_name: '${aws_lambda_function.ingest_fn_2.function_name}' },
          d: { ...INVOKE_GRANT, function_name: 'someone-elses-function' },
        },
      },
    };
    const byFunction = lambdaPermissionsByFunction(stack, 'SentimentFunction');
    expect(Object.keys(byFunction).sort()).toEqual(['dashboard', 'ingestion']);
    expect(byFunction.dashboard.map((p) => p.action)).toEqual(['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction']);
    expect(judgeFunctionUrlAccess('NONE', byFunction.dashboard).allowed).toBe(true);
  });
});
