/**
 * Since October 2025 a new Function URL with auth type NONE answers 403 unless the function's
 * resource policy grants anyone both `lambda:InvokeFunctionUrl` (with FunctionUrlAuthType NONE) and
 * `lambda:InvokeFunction` (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
 */
import { fail, pass } from '../../../harness/inspect/verdict';
import { Evidence } from '../../../harness/inspect/types';
import { StackRule } from '../types';

export const functionUrlPermissionsRule: StackRule = {
  id: 'function-url-permissions',
  description: 'A Function URL with auth type NONE has both public permissions',
  protectsAgainst: 'a public dashboard URL that AWS answers with 403 Forbidden after a "successful" deploy',
  check(stack) {
    const publicPermissions = stack.resources('aws_lambda_permission').filter((permission) => permission.block.principal === '*');
    const missing: Evidence[] = [];
    const urls = stack.resources('aws_lambda_function_url').filter((url) => url.block.authorization_type === 'NONE');
    for (const url of urls) {
      const fn = stack.functionOf(url.block.function_name);
      const grants = publicPermissions.filter((permission) => {
        const target = stack.functionOf(permission.block.function_name);
        return fn ? target?.address === fn.address : permission.block.function_name === url.block.function_name;
      });
      const hasUrlGrant = grants.some((g) => g.block.action === 'lambda:InvokeFunctionUrl' && g.block.function_url_auth_type === 'NONE');
      const hasInvokeGrant = grants.some((g) => g.block.action === 'lambda:InvokeFunction');
      const lacking = [hasUrlGrant ? '' : "'lambda:InvokeFunctionUrl' (function_url_auth_type NONE)", hasInvokeGrant ? '' : "'lambda:InvokeFunction'"].filter(Boolean);
      if (lacking.length > 0) {
        missing.push({ file: url.address, detail: `function ${fn?.address ?? String(url.block.function_name)} lacks a principal '*' grant of ${lacking.join(' and ')}` });
      }
    }
    if (missing.length === 0) {
      return pass(this.id, urls.length === 0 ? 'no Function URL with auth type NONE' : `${urls.length} public Function URL(s) carry both permissions`);
    }
    return fail(
      this.id,
      `${missing.length} public Function URL(s) would answer 403: AWS requires both lambda:InvokeFunctionUrl and lambda:InvokeFunction for auth type NONE`,
      missing,
      "Add aws_lambda_permission resources with principal '*': action lambda:InvokeFunctionUrl with function_url_auth_type NONE, and action lambda:InvokeFunction (modules/function-url.ts does both).",
    );
  },
};
