/**
 * Since October 2025 a new Function URL with auth type NONE answers 403 unless the function's
 * resource policy grants anyone both `lambda:InvokeFunctionUrl` (with FunctionUrlAuthType NONE) and
 * `lambda:InvokeFunction` (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
 */
import { subjectRule } from '../subject-rule';
import { Addressed, StackView } from '../types';

/** The public grants a NONE Function URL lacks, in words; empty when it has both. */
function lackingGrants(stack: StackView, url: Addressed): string[] {
  const fn = stack.functionOf(url.block.function_name);
  const grants = stack.resources('aws_lambda_permission').filter((permission) => {
    if (permission.block.principal !== '*') return false;
    const target = stack.functionOf(permission.block.function_name);
    return fn ? target?.address === fn.address : permission.block.function_name === url.block.function_name;
  });
  const hasUrlGrant = grants.some((g) => g.block.action === 'lambda:InvokeFunctionUrl' && g.block.function_url_auth_type === 'NONE');
  const hasInvokeGrant = grants.some((g) => g.block.action === 'lambda:InvokeFunction');
  return [hasUrlGrant ? '' : "'lambda:InvokeFunctionUrl' (function_url_auth_type NONE)", hasInvokeGrant ? '' : "'lambda:InvokeFunction'"].filter(Boolean);
}

export const functionUrlPermissionsRule = subjectRule({
  id: 'function-url-permissions',
  description: 'A Function URL with auth type NONE has both public permissions',
  protectsAgainst: 'a public dashboard URL that AWS answers with 403 Forbidden after a "successful" deploy',
  subjects: (stack) => stack.resources('aws_lambda_function_url').filter((url) => url.block.authorization_type === 'NONE'),
  problem: (url, stack) => {
    const lacking = lackingGrants(stack, url);
    if (lacking.length === 0) return undefined;
    return `function ${stack.functionOf(url.block.function_name)?.address ?? String(url.block.function_name)} lacks a principal '*' grant of ${lacking.join(' and ')}`;
  },
  passed: (count) => (count === 0 ? 'no Function URL with auth type NONE' : `${count} public Function URL(s) carry both permissions`),
  failed: (missing) => `${missing} public Function URL(s) would answer 403: AWS requires both lambda:InvokeFunctionUrl and lambda:InvokeFunction for auth type NONE`,
  fix: "Add aws_lambda_permission resources with principal '*': action lambda:InvokeFunctionUrl with function_url_auth_type NONE, and action lambda:InvokeFunction (modules/function-url.ts does both).",
});
