/**
 * THE catalog: one declaration per function. The harness builds, inspects, boots and checks
 * exactly these; the stacks deploy exactly these. Packaging follows ADR-005 (seed 004):
 * ZIPs built inside a Lambda-compatible image for the light functions, an ECR image for ML.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { findLinksDirectories, globToRegExp } from '../harness/build/local-wheels';
import { CorsSpec, FunctionSpec, validateFunctionSpec } from './function-spec';
import { PythonRuntime } from './runtimes';

export const REPO_ROOT = path.resolve(__dirname, '..');

const DASHBOARD_CORS_OPEN: CorsSpec = {
  allowOrigins: ['*'],
  allowMethods: ['GET'],
  allowHeaders: ['content-type', 'x-api-key'],
  maxAgeSeconds: 300,
};

const dashboard: FunctionSpec = {
  name: 'dashboard',
  description: 'FastAPI dashboard behind a Function URL: health, metrics, SSE stream, page',
  sourceDir: 'lambdas/dashboard',
  // Spec 002 proposes an image; the switch is here, in one place.
  packaging: process.env.DASHBOARD_PACKAGING === 'image' ? 'image' : 'zip',
  runtime: 'python3.13',
  architecture: 'x86_64',
  handler: 'handler.lambda_handler',
  memoryMb: 512,
  timeoutSeconds: 30,
  environment: {
    ENVIRONMENT: { ref: 'environment-name' },
    DYNAMODB_TABLE: { ref: 'table-name' },
    DASHBOARD_API_KEY_SECRET_ARN: { ref: 'secret-arn', secret: 'dashboard-api-key' },
    SSE_POLL_INTERVAL: '2',
  },
  uses: { table: 'read', secrets: ['dashboard-api-key'] },
  url: {
    authType: 'NONE',
    invokeMode: 'BUFFERED',
    cors: {
      local: DASHBOARD_CORS_OPEN,
      preprod: DASHBOARD_CORS_OPEN,
      prod: { ...DASHBOARD_CORS_OPEN, allowOrigins: ['https://dashboard.sentiment-analyzer.example'] },
    },
  },
  healthPath: '/health',
  smokeChecks: [
    { kind: 'http', name: 'health reports healthy', method: 'GET', path: '/health', expectStatus: 200, expectJson: { status: 'healthy' } },
    { kind: 'http', name: 'metrics refuse a missing API key', method: 'GET', path: '/api/metrics', expectStatus: 401 },
  ],
  image: { dockerfile: 'Dockerfile' },
};

const ingestion: FunctionSpec = {
  name: 'ingestion',
  description: 'Scheduled NewsAPI fetch: validates articles, stores new items, publishes to SNS',
  sourceDir: 'lambdas/ingestion',
  packaging: 'zip',
  runtime: 'python3.13',
  architecture: 'x86_64',
  handler: 'handler.lambda_handler',
  memoryMb: 256,
  timeoutSeconds: 60,
  environment: {
    ENVIRONMENT: { ref: 'environment-name' },
    DYNAMODB_TABLE: { ref: 'table-name' },
    SNS_TOPIC_ARN: { ref: 'topic-arn' },
    NEWSAPI_KEY_SECRET_ARN: { ref: 'secret-arn', secret: 'newsapi-key' },
    NEWSAPI_BASE_URL: { ref: 'newsapi-base-url' },
    NEWSAPI_QUERY: 'technology',
  },
  uses: { table: 'read-write', topic: 'publish', secrets: ['newsapi-key'] },
  trigger: { kind: 'schedule', expression: 'rate(15 minutes)' },
  smokeChecks: [
    {
      kind: 'invoke',
      name: 'rejects an unknown event with a clear error',
      event: { smoke: 'ping' },
      expectJson: { status: 'ignored' },
    },
  ],
};

const CPU_TORCH_CP311 = 'torch-*+cpu-cp311-*.whl';

/**
 * The analysis image's Python: `ANALYSIS_RUNTIME` when set; otherwise python3.13 with PyTorch's
 * CPU index, unless that index is replaced by a local CPU-only torch wheel for 3.11 in
 * `PIP_FIND_LINKS` (machines without PyTorch's index, like our CI: see ENVIRONMENT.md).
 */
function analysisRuntime(): PythonRuntime {
  const explicit = process.env.ANALYSIS_RUNTIME;
  if (explicit === 'python3.11' || explicit === 'python3.13') return explicit;
  if (explicit) throw new Error(`ANALYSIS_RUNTIME must be python3.11 or python3.13, got '${explicit}'.`);
  const pattern = globToRegExp(CPU_TORCH_CP311);
  const localCpuTorch = findLinksDirectories().some((dir) => fs.readdirSync(dir).some((name) => pattern.test(name)));
  return localCpuTorch ? 'python3.11' : 'python3.13';
}
const ANALYSIS_RUNTIME = analysisRuntime();

const analysis: FunctionSpec = {
  name: 'analysis',
  description: 'SNS-triggered DistilBERT sentiment inference, model archive loaded from S3',
  sourceDir: 'lambdas/analysis',
  packaging: 'image',
  runtime: ANALYSIS_RUNTIME,
  architecture: 'x86_64',
  handler: 'handler.lambda_handler',
  memoryMb: 2048,
  timeoutSeconds: 120,
  environment: {
    ENVIRONMENT: { ref: 'environment-name' },
    DYNAMODB_TABLE: { ref: 'table-name' },
    MODEL_S3_URI: { ref: 'model-s3-uri' },
  },
  uses: { table: 'read-write', modelBucket: 'read' },
  trigger: { kind: 'sns' },
  // An article the model cannot analyse is retried twice, then kept in this queue, never lost.
  onFailure: { kind: 'sqs-dlq' },
  smokeChecks: [
    {
      kind: 'invoke',
      name: 'reports an event that is not an SNS message',
      event: { smoke: 'ping' },
      expectJson: { status: 'ignored' },
    },
  ],
  image: {
    dockerfile: 'Dockerfile',
    buildArgs: ANALYSIS_RUNTIME === 'python3.11' ? { PYTHON_VERSION: '3.11' } : {},
    localWheels: ANALYSIS_RUNTIME === 'python3.11' ? [CPU_TORCH_CP311] : [],
  },
};

export const CATALOG: readonly FunctionSpec[] = [dashboard, ingestion, analysis].map((spec) =>
  validateFunctionSpec(spec, REPO_ROOT),
);

export function catalogEntry(name: string): FunctionSpec {
  const spec = CATALOG.find((candidate) => candidate.name === name);
  if (!spec) {
    throw new Error(`No function '${name}' in the catalog. Known: ${CATALOG.map((s) => s.name).join(', ')}.`);
  }
  return spec;
}
