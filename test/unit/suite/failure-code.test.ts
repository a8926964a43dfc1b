import { failureCodeOf, withFailureCode } from '../../../harness/suite/failure-code';

// Lambda's error types: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax
// (X-Amz-Function-Error, errorType in the payload) and the runtime's init errors:
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-initerror
describe('failureCodeOf', () => {
  it.each(['Runtime.ImportModuleError', 'Runtime.UserCodeSyntaxError', 'Sandbox.Timedout', 'Function.ResponseSizeTooLarge', 'Inspect.glibc-floor', 'KeyError', 'RequestTooLargeException'])(
    '%s is the function failing: FUNCTION_FAILURE', (errorType) => {
      expect(failureCodeOf(errorType)).toBe('FUNCTION_FAILURE');
    });

  it('a health or smoke mismatch (no error type) is FUNCTION_FAILURE', () => {
    expect(failureCodeOf(undefined)).toBe('FUNCTION_FAILURE');
  });

  it.each(['Harness.Error', 'Harness.ImportSmokeCrashed'])('%s is ours: HARNESS_BUG', (errorType) => {
    expect(failureCodeOf(errorType)).toBe('HARNESS_BUG');
  });
});

describe('withFailureCode', () => {
  const failed = { kind: 'build' as const, name: 'zip artifact', passed: false, errorType: 'Harness.Error', message: 'x', durationMs: 1 };

  it('keeps the code a coded error gave a Harness.* check', () => {
    expect(withFailureCode({ ...failed, code: 'ENVIRONMENT_UNAVAILABLE' }).code).toBe('ENVIRONMENT_UNAVAILABLE');
  });

  it('classifies a failed check that has none, and gives a passed check none', () => {
    expect(withFailureCode(failed).code).toBe('HARNESS_BUG');
    expect(withFailureCode({ ...failed, passed: true, code: 'HARNESS_BUG' }).code).toBeUndefined();
  });
});
