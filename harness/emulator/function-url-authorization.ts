/**
 * Would AWS let an anonymous caller through this Function URL? For auth type NONE, Lambda skips
 * IAM authentication but the function's resource-based policy still decides, and since October
 * 2025 a new URL needs BOTH statements for principal `*`: `lambda:InvokeFunctionUrl` (with
 * `lambda:FunctionUrlAuthType` NONE) and `lambda:InvokeFunction`. With one missing, every request
 * gets 403 AccessDeniedException before the function runs.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html ("Control access to Lambda function URLs")
 *
 * Pure functions over the `aws_lambda_permission` resources of a synthesized stack, so the local
 * Function URL front refuses exactly what the deployed URL would refuse.
 */

/** One `aws_lambda_permission` as synthesized (snake_case keys, as in the stack JSON). */
export interface LambdaPermissionResource {
  readonly action: string;
  readonly principal: string;
  readonly statement_id?: string;
  readonly function_name?: string;
  readonly function_url_auth_type?: string;
  readonly qualifier?: string;
  readonly source_arn?: string;
  readonly source_account?: string;
  readonly principal_org_id?: string;
}

export type FunctionUrlAccess =
  | { readonly allowed: true; readonly basis: string }
  | { readonly allowed: false; readonly reason: string };

/** The body and error type a Function URL answers when its resource policy refuses the caller. */
export const FORBIDDEN_BODY = JSON.stringify({
  Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
});
export const FORBIDDEN_ERROR_TYPE = 'AccessDeniedException';

const grants = (permission: LambdaPermissionResource, action: string): boolean =>
  permission.action === action || permission.action === 'lambda:*' || permission.action === '*';

/** Granted to anyone: principal `*`, not narrowed to a source, an account, an organisation or an alias. */
const toAnyone = (permission: LambdaPermissionResource): boolean =>
  permission.principal === '*' && !permission.source_arn && !permission.source_account && !permission.principal_org_id && !permission.qualifier;

/**
 * The verdict for an anonymous request to the function's URL. AWS_IAM URLs are not judged here
 * (the local front has no signed callers to authorise): they are let through.
 */
export function judgeFunctionUrlAccess(authType: 'NONE' | 'AWS_IAM', permissions: readonly LambdaPermissionResource[]): FunctionUrlAccess {
  if (authType === 'AWS_IAM') return { allowed: true, basis: 'auth type AWS_IAM: the local front does not authenticate callers' };
  const urlGrant = permissions.find((p) => grants(p, 'lambda:InvokeFunctionUrl') && toAnyone(p) && (p.function_url_auth_type ?? 'NONE') === 'NONE');
  const invokeGrant = permissions.find((p) => grants(p, 'lambda:InvokeFunction') && toAnyone(p));
  const missing = [
    urlGrant ? undefined : "lambda:InvokeFunctionUrl for principal '*' with function_url_auth_type NONE",
    invokeGrant ? undefined : "lambda:InvokeFunction for principal '*'",
  ].filter((item): item is string => item !== undefined);
  if (missing.length > 0) {
    return {
      allowed: false,
      reason: `the function's resource policy lacks ${missing.join(' and ')}; since October 2025 a NONE Function URL needs both (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html)`,
    };
  }
  return { allowed: true, basis: `statements ${urlGrant!.statement_id ?? '?'} + ${invokeGrant!.statement_id ?? '?'}` };
}

interface StackJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
}

/**
 * The synthesized `aws_lambda_permission` resources per function, keyed by the value of the
 * function's `tagKey` tag (the catalog name). `function_name` may be a Terraform reference
 * (`${aws_lambda_function.<id>.function_name}`) or the literal deployed name.
 */
export function lambdaPermissionsByFunction(stack: StackJson, tagKey: string): Record<string, LambdaPermissionResource[]> {
  const functions = stack.resource?.aws_lambda_function ?? {};
  const byReference = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const [id, fn] of Object.entries(functions)) {
    const name = (fn.tags as Record<string, string> | undefined)?.[tagKey];
    if (!name) continue;
    byReference.set(`\${aws_lambda_function.${id}.function_name}`, name);
    byReference.set(`\${aws_lambda_function.${id}.arn}`, name);
    if (typeof fn.function_name === 'string') byName.set(fn.function_name, name);
  }
  const result: Record<string, LambdaPermissionResource[]> = {};
  for (const permission of Object.values(stack.resource?.aws_lambda_permission ?? {}) as unknown as LambdaPermissionResource[]) {
    const target = permission.function_name ?? '';
    const name = byReference.get(target) ?? byName.get(target);
    if (name) (result[name] ??= []).push(permission);
  }
  return result;
}

/** What the front answers instead of invoking, or undefined to go on. The front's one call. */
export function refusalFor(access: FunctionUrlAccess | undefined): { status: 403; errorType: string; body: string } | undefined {
  return access && !access.allowed ? { status: 403, errorType: FORBIDDEN_ERROR_TYPE, body: FORBIDDEN_BODY } : undefined;
}
