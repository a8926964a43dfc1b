/**
 * What the suite talks to: a function served locally by the harness, or a deployed Function URL.
 * Checks are written once against this interface, so the preprod smoke run is the same suite.
 */

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** When the function itself failed behind the URL (local targets know the Lambda error). */
  readonly functionError?: { readonly errorType: string; readonly errorMessage: string };
}

export interface InvokeAnswer {
  readonly ok: boolean;
  /** The function's result (or Lambda's error JSON), as text. */
  readonly payload: string;
  readonly errorType?: string;
  readonly errorMessage?: string;
}

export interface FunctionTarget {
  /** "local environment on stand-in ..." or "https://xyz.lambda-url.eu-west-1.on.aws/". */
  readonly description: string;
  /** Plain HTTP through the Function URL, or undefined when the function has none. */
  readonly http?: (method: string, path: string, headers: Readonly<Record<string, string>>, body?: string) => Promise<HttpAnswer>;
  /** Direct invoke, or undefined when the target is only reachable over its URL. */
  readonly invoke?: (event: unknown) => Promise<InvokeAnswer>;
}
