import { CodedError, ConfigurationError, EnvironmentUnavailableError, errorCodeOf, isNetworkFailure } from '../../../model/error-codes';

describe('error codes', () => {
  it('keeps the code an error was raised with', () => {
    expect(errorCodeOf(new ConfigurationError('memoryMb must be an integer'))).toBe('CONFIGURATION');
    expect(errorCodeOf(new EnvironmentUnavailableError('No Docker engine is reachable'))).toBe('ENVIRONMENT_UNAVAILABLE');
    expect(errorCodeOf(new CodedError('FUNCTION_FAILURE', 'Runtime.ImportModuleError'))).toBe('FUNCTION_FAILURE');
  });

  it('files a network failure under the environment, whatever threw it', () => {
    expect(errorCodeOf(new Error("pip: Could not fetch URL https://pypi.org/simple/fastapi/: ... Temporary failure in name resolution"))).toBe('ENVIRONMENT_UNAVAILABLE');
    expect(errorCodeOf(new Error('connect ECONNREFUSED 127.0.0.1:5000'))).toBe('ENVIRONMENT_UNAVAILABLE');
  });

  it("recognises pip's retry warning about an unreachable index in a tool's whole output", () => {
    expect(isNetworkFailure("WARNING: Retrying (Retry(total=4)) after connection broken by 'NewConnectionError(... Failed to establish a new connection: [Errno 111] Connection refused)': /simple/fastapi/")).toBe(true);
    expect(isNetworkFailure('ERROR: No matching distribution found for fastapi==99.0')).toBe(false);
  });

  it('files anything else under a bug of ours', () => {
    expect(errorCodeOf(new TypeError("Cannot read properties of undefined (reading 'tag')"))).toBe('HARNESS_BUG');
    expect(errorCodeOf('a thrown string')).toBe('HARNESS_BUG');
  });
});
