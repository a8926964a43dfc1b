/**
 * A Lambda Function URL with its auth type, CORS and invoke mode, and (for auth type NONE) the
 * two resource-based permissions a public URL needs since October 2025: `lambda:InvokeFunctionUrl`
 * and `lambda:InvokeFunction` (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
 */
import { Construct } from 'constructs';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { FunctionUrlCors } from '../model/function-url-cors';

/**
 * CORS of a Function URL: AWS's shape (model/function-url-cors.ts), not the catalog's type, so the
 * module is usable without the catalog (as aws-cdk's `FunctionUrlCorsOptions`).
 */
export type FunctionUrlCorsOptions = FunctionUrlCors;

export interface FunctionUrlProps {
  /** Name of the function (a Terraform reference keeps the dependency). */
  readonly functionName: string;
  readonly authType: 'NONE' | 'AWS_IAM';
  /** @default 'BUFFERED' */
  readonly invokeMode?: 'BUFFERED' | 'RESPONSE_STREAM';
  /** @default no CORS configuration */
  readonly cors?: FunctionUrlCorsOptions;
  /** `*` origins are for pre-production only. @default false */
  readonly allowWildcardOrigin?: boolean;
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*'];

export class FunctionUrl extends Construct {
  readonly url: LambdaFunctionUrl;
  /** `lambda:InvokeFunctionUrl` for anyone, through a NONE URL only. @default undefined when authType is AWS_IAM */
  readonly publicInvokePermission?: LambdaPermission;
  /** `lambda:InvokeFunction` for anyone: the second grant a NONE URL needs. @default undefined when authType is AWS_IAM */
  readonly publicFunctionInvokePermission?: LambdaPermission;

  constructor(scope: Construct, id: string, props: FunctionUrlProps) {
    super(scope, id);
    const where = `Function URL of '${props.functionName}'`;
    if (props.authType !== 'NONE' && props.authType !== 'AWS_IAM') {
      throw new Error(`${where}: authType must be 'NONE' or 'AWS_IAM', got '${String(props.authType)}'.`);
    }
    const invokeMode = props.invokeMode ?? 'BUFFERED';
    if (invokeMode !== 'BUFFERED' && invokeMode !== 'RESPONSE_STREAM') {
      throw new Error(`${where}: invokeMode must be 'BUFFERED' or 'RESPONSE_STREAM', got '${String(invokeMode)}'.`);
    }
    const cors = props.cors;
    if (cors) {
      if (cors.allowOrigins.length === 0) {
        throw new Error(`${where}: CORS allowOrigins is empty; list the origins allowed to call the URL.`);
      }
      if (cors.allowOrigins.includes('*') && !props.allowWildcardOrigin) {
        throw new Error(
          `${where}: CORS allowOrigins '*' is not allowed here (pre-production only). List the origins, e.g. 'https://dashboard.example.com'.`,
        );
      }
      if (cors.allowCredentials && cors.allowOrigins.includes('*')) {
        throw new Error(`${where}: CORS cannot allow credentials with origin '*'; browsers reject it.`);
      }
      const badMethods = cors.allowMethods.filter((method) => !HTTP_METHODS.includes(method));
      if (badMethods.length > 0) {
        throw new Error(`${where}: unknown CORS methods ${badMethods.join(', ')}; use ${HTTP_METHODS.join(', ')}.`);
      }
      const maxAge = cors.maxAgeSeconds ?? 0;
      if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86400) {
        throw new Error(`${where}: CORS maxAgeSeconds must be an integer from 0 to 86400, got ${maxAge}.`);
      }
    }

    this.url = new LambdaFunctionUrl(this, 'url', {
      functionName: props.functionName,
      authorizationType: props.authType,
      invokeMode,
      cors: cors
        ? {
            allowOrigins: [...cors.allowOrigins],
            allowMethods: [...cors.allowMethods],
            allowHeaders: [...cors.allowHeaders],
            exposeHeaders: [...(cors.exposeHeaders ?? [])],
            maxAge: cors.maxAgeSeconds ?? 0,
            allowCredentials: cors.allowCredentials ?? false,
          }
        : undefined,
    });

    if (props.authType === 'NONE') {
      // A public URL still needs a resource policy. Since October 2025 Lambda answers 403 to a new
      // NONE URL unless the policy grants both lambda:InvokeFunctionUrl and lambda:InvokeFunction
      // (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). The first is limited to
      // calls through a NONE URL (lambda:FunctionUrlAuthType).
      this.publicInvokePermission = new LambdaPermission(this, 'public-url-invoke', {
        statementId: 'AllowPublicFunctionUrlInvoke',
        action: 'lambda:InvokeFunctionUrl',
        functionName: props.functionName,
        principal: '*',
        functionUrlAuthType: 'NONE',
      });
      // AWS scopes the second with the condition lambda:InvokedViaFunctionUrl = true; hashicorp/aws
      // 5.100.0's aws_lambda_permission cannot express it (its function_url_auth_type applies to
      // InvokeFunctionUrl only; 6.x adds invoked_via_function_url). The narrowest 5.100.0 grant: this
      // one function, unqualified, lambda:InvokeFunction only. The reserved concurrency bounds abuse.
      this.publicFunctionInvokePermission = new LambdaPermission(this, 'public-function-invoke', {
        statementId: 'AllowPublicFunctionInvokeForUrl',
        action: 'lambda:InvokeFunction',
        functionName: props.functionName,
        principal: '*',
      });
    }
  }
}
