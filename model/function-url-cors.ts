/**
 * The CORS settings of a Lambda Function URL, as AWS defines them
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors).
 * An AWS fact, so one definition: the catalog declares it per environment, the FunctionUrl module
 * takes it as its props, the local Function URL front answers with it.
 */
export interface FunctionUrlCors {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  /** @default [] */
  readonly exposeHeaders?: readonly string[];
  /** @default 0 */
  readonly maxAgeSeconds?: number;
  /** @default false */
  readonly allowCredentials?: boolean;
}
