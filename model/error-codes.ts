/**
 * Why something failed, as a stable code: reports, JUnit and CI branch on the code, people read the
 * message. Four categories, because each asks for a different person to act:
 *   CONFIGURATION           the user's declaration or input is wrong (catalog, options, a stale lock)
 *   ENVIRONMENT_UNAVAILABLE something the machine should provide is missing (Docker engine, a package index)
 *   FUNCTION_FAILURE        the function itself failed as Lambda would report it (Runtime.*, an inspection rule)
 *   HARNESS_BUG             anything else: a bug of ours, to report with the run's output
 */
export type ErrorCode = 'CONFIGURATION' | 'ENVIRONMENT_UNAVAILABLE' | 'FUNCTION_FAILURE' | 'HARNESS_BUG';
export const ERROR_CODES: readonly ErrorCode[] = ['CONFIGURATION', 'ENVIRONMENT_UNAVAILABLE', 'FUNCTION_FAILURE', 'HARNESS_BUG'];

/** An error that knows its category. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

/** The user's declaration or input is wrong; the message names the value and the fix. */
export class ConfigurationError extends CodedError {
  constructor(message: string) {
    super('CONFIGURATION', message);
    this.name = 'ConfigurationError';
  }
}

/** The machine lacks something the harness needs (an engine, a registry, a package index). */
export class EnvironmentUnavailableError extends CodedError {
  constructor(message: string) {
    super('ENVIRONMENT_UNAVAILABLE', message);
    this.name = 'EnvironmentUnavailableError';
  }
}

/** What pip, curl and Node print when the network, not the request, failed. */
const NETWORK_FAILURE = /Temporary failure in name resolution|Name or service not known|Could not resolve host|Network is unreachable|Connection refused|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|Max retries exceeded|ProxyError|Failed to establish a new connection/;

/** Whether a tool's output says the network failed (pip's retries, curl, Node's resolver). */
export function isNetworkFailure(output: string): boolean {
  return NETWORK_FAILURE.test(output);
}

/** The category of anything thrown: its own code, a network failure, else a bug of ours. */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof CodedError) return error.code;
  const message = error instanceof Error ? error.message : String(error);
  return isNetworkFailure(message) ? 'ENVIRONMENT_UNAVAILABLE' : 'HARNESS_BUG';
}
