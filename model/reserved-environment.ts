/**
 * Environment variables Lambda sets itself. CreateFunction / UpdateFunctionConfiguration refuse a
 * function whose environment sets one (the emulator would silently override it instead), so the
 * catalog and `verify --dir --env` refuse them first.
 * Source: AWS Lambda developer guide, "Defined runtime environment variables", reserved list:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html
 * (TZ, LANG, PATH, PYTHONPATH, LD_LIBRARY_PATH... are listed there as unreserved: they may be set.)
 */

export const RESERVED_ENVIRONMENT_VARIABLES: readonly string[] = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

export const RESERVED_ENVIRONMENT_DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html';

/** The reserved names among `names`, in the order given. */
export function reservedVariablesIn(names: readonly string[]): string[] {
  return names.filter((name) => RESERVED_ENVIRONMENT_VARIABLES.includes(name));
}
