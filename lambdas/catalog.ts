/**
 * THE catalog: one declaration per function. The harness builds, inspects, boots and checks
 * exactly these; the stacks deploy exactly these. Packaging follows ADR-005 (seed 004):
 * ZIPs built inside a Lambda-compatible image for the light functions, an ECR image for ML.
 *
 * A declaration, with no side effects: what depends on the machine (environment variables, the
 * wheels on disk) comes in as explicit facts, resolved by the commands (harness/machine-catalog.ts)
 * or read back from the manifest (synthesis).
 */
import { CorsSpec, FunctionSpec, validateFunctionSpec } from '../model/function-spec';
import { MachineChoices } from '../model/machine-choices';
import { REPO_ROOT } from '../model/paths';
import { PythonRuntime } from '../model/runtimes';
import { FUNCTION_URL_HEALTH_EVENT, SCHEDULED_EVENT, SNS_NOTIFICATION_EVENT } from './test-events';
import { ConfigurationError } from '../model/error-codes';

/** What the catalog's machine-dependent choices are resolved from. */
export interface MachineFacts {
  /** The environment variables that set choices (`ANALYSIS_RUNTIME`, `DASHBOARD_PACKAGING`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** File names of the local wheels the build may use (`PIP_FIND_LINKS` directories). */
  readonly localWheelFiles: readonly string[];
}

const DASHBOARD_CORS_OPEN: CorsSpec = {
  allowOrigins: ['*'],
  allowMethods: ['GET'],
  allowHeaders: ['content-type', 'x-api-key'],
  maxAgeSeconds: 300,
};

const dashboard = (choices: MachineChoices): FunctionSpec => ({
  name: 'dashboard',
  description: 'FastAPI dashboard behind a Function URL: health, metrics, SSE stream, page',
  sourceDir: 'lambdas/dashboard',
  // Spec 002 proposes an image; the switch is here, in one place.
  packaging: choices.DASHBOARD_PACKAGING,
  runtime: 'python3.13',
  architecture: 'x86_64',
  handler: 'handler.lambda_handler',
  memoryMb: 512,
  timeoutSeconds: 30,
  // Public URL: caps what anonymous traffic can run up (and what a flood costs).
  reservedConcurrency: 10,
  environment: {
    ENVIRONMENT: { ref: 'environment-name' },
    DYNAMODB_TABLE: { ref: 'table-name' },
    DASHBOARD_API_KEY_SECRET_ARN: { ref: 'secret-arn', secret: 'dashboard-api-key' },
    SSE_POLL_INTERVAL: '2',
  },
  // metrics.py scans the table; api_key.py reads the API key secret.
  uses: { table: ['dynamodb:Scan'], secrets: ['dashboard-api-key'] },
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
  events: [FUNCTION_URL_HEALTH_EVENT],
  smokeChecks: [
    { kind: 'http', name: 'health reports healthy', method: 'GET', path: '/health', expectStatus: 200, expectJson: { status: 'healthy' } },
    { kind: 'http', name: 'metrics refuse a missing API key', method: 'GET', path: '/api/metrics', expectStatus: 401 },
  ],
  image: { dockerfile: 'Dockerfile' },
});

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
  // Scheduled every 15 minutes: one run at a time is all it ever needs.
  reservedConcurrency: 1,
  environment: {
    ENVIRONMENT: { ref: 'environment-name' },
    DYNAMODB_TABLE: { ref: 'table-name' },
    SNS_TOPIC_ARN: { ref: 'topic-arn' },
    NEWSAPI_KEY_SECRET_ARN: { ref: 'secret-arn', secret: 'newsapi-key' },
    NEWSAPI_BASE_URL: { ref: 'newsapi-base-url' },
    NEWSAPI_QUERY: 'technology',
  },
  // handler.py: a conditional put_item per new article, one sns.publish each, the NewsAPI key secret.
  uses: { table: ['dynamodb:PutItem'], topic: ['sns:Publish'], secrets: ['newsapi-key'] },
  trigger: { kind: 'schedule', expression: 'rate(15 minutes)' },
  events: [SCHEDULED_EVENT],
  smokeChecks: [
    {
      kind: 'invoke',
      name: 'rejects an unknown event with a clear error',
      event: { smoke: 'ping' },
      expectJson: { status: 'ignored' },
    },
  ],
};

/** A CPU-only torch wheel for CPython 3.11 (the one ENVIRONMENT.md's machines carry). */
export const CPU_TORCH_CP311 = 'torch-*+cpu-cp311-*.whl';
const CPU_TORCH_CP311_FILE = /^torch-.*\+cpu-cp311-.*\.whl$/;

/**
 * The analysis image's Python: `ANALYSIS_RUNTIME` when set; otherwise python3.13 with PyTorch's
 * CPU index, unless that index is replaced by a local CPU-only torch wheel for 3.11 in
 * `PIP_FIND_LINKS` (machines without PyTorch's index, like our CI: see ENVIRONMENT.md).
 */
function analysisRuntime(facts: MachineFacts): PythonRuntime {
  const explicit = facts.env.ANALYSIS_RUNTIME;
  if (explicit === 'python3.11' || explicit === 'python3.13') return explicit;
  if (explicit) throw new ConfigurationError(`ANALYSIS_RUNTIME must be python3.11 or python3.13, got '${explicit}'.`);
  return facts.localWheelFiles.some((name) => CPU_TORCH_CP311_FILE.test(name)) ? 'python3.11' : 'python3.13';
}

const analysis = (choices: MachineChoices): FunctionSpec => ({
  name: 'analysis',
  description: 'SNS-triggered DistilBERT sentiment inference, model archive loaded from S3',
  sourceDir: 'lambdas/analysis',
  packaging: 'image',
  runtime: choices.ANALYSIS_RUNTIME,
  architecture: 'x86_64',
  handler: 'handler.lambda_handler',
  memoryMb: 2048,
  timeoutSeconds: 120,
  // One invoke per article: a burst of articles queues in Lambda's async queue instead of fanning out at 2 GB each.
  reservedConcurrency: 5,
  environment: {
    ENVIRONMENT: { ref: 'environment-name' },
    DYNAMODB_TABLE: { ref: 'table-name' },
    MODEL_S3_URI: { ref: 'model-s3-uri' },
  },
  // handler.py: get_item then a conditional update_item; model_store.py downloads the archive (GetObject).
  uses: { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], modelBucket: ['s3:GetObject'] },
  trigger: { kind: 'sns' },
  events: [SNS_NOTIFICATION_EVENT],
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
    buildArgs: choices.ANALYSIS_RUNTIME === 'python3.11' ? { PYTHON_VERSION: '3.11' } : {},
    localWheels: choices.ANALYSIS_RUNTIME === 'python3.11' ? [CPU_TORCH_CP311] : [],
  },
});

export function resolveMachineChoices(facts: MachineFacts): MachineChoices {
  const packaging = facts.env.DASHBOARD_PACKAGING;
  if (packaging !== undefined && packaging !== '' && packaging !== 'zip' && packaging !== 'image') {
    throw new ConfigurationError(`DASHBOARD_PACKAGING must be zip or image, got '${packaging}'.`);
  }
  return { ANALYSIS_RUNTIME: analysisRuntime(facts), DASHBOARD_PACKAGING: packaging === 'image' ? 'image' : 'zip' };
}

/** The catalog for explicit machine choices (synthesis passes the ones the manifest recorded). */
export function catalogFor(choices: MachineChoices): readonly FunctionSpec[] {
  return [dashboard(choices), ingestion, analysis(choices)].map((spec) => validateFunctionSpec(spec, REPO_ROOT));
}
