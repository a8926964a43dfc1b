import { CodedError, ConfigurationError, EnvironmentUnavailableError, errorCodeOf } from '../../../model/error-codes';

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

  it('files anything else under a bug of ours', () => {
    expect(errorCodeOf(new TypeError("Cannot read properties of undefined (reading 'tag')"))).toBe('HARNESS_BUG');
    expect(errorCodeOf('a thrown string')).toBe('HARNESS_BUG');
  });
});
