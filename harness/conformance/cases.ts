/**
 * The conformance cases: each is a rule AWS documents for Lambda, the page that says so, and how
 * the fixture function (harness/conformance/fixture) shows it. Deployed for the suite with
 * 512 MB, a 10 s timeout and the handler `handler.lambda_handler`.
 */
import { ConformanceCase, FixtureFacts, ensure, ensureEqual } from './conformance-case';

const DOCS = 'https://docs.aws.amazon.com/lambda/latest';
const INVOKE_API = `${DOCS}/api/API_Invoke.html`;
const QUOTAS = `${DOCS}/dg/gettingstarted-limits.html`;
const PYTHON_CONTEXT = `${DOCS}/dg/python-context.html`;
const PYTHON_ERRORS = `${DOCS}/dg/python-exceptions.html`;
const ENV_VARS = `${DOCS}/dg/configuration-envvars.html`;
const RUNTIME_API = `${DOCS}/dg/runtimes-api.html`;
const ENVIRONMENT = `${DOCS}/dg/lambda-runtime-environment.html`;
const EPHEMERAL = `${DOCS}/dg/configuration-ephemeral-storage.html`;
const MEMORY = `${DOCS}/dg/configuration-memory.html`;
const TIMEOUT = `${DOCS}/dg/configuration-timeout.html`;
const URL_PAYLOADS = `${DOCS}/dg/urls-invocation.html`;
const MONITORING = `${DOCS}/dg/python-logging.html`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An invoke of one of the fixture's actions. */
const action = (name: string, fields: Record<string, unknown> = {}) => ({ via: 'invoke' as const, event: { action: name, ...fields } });

/**
 * A case whose whole check is one value an action of the fixture reports, equal to what AWS
 * documents: `{ action: 'context', field: 'function_name' }` reads `function_name` of the
 * `context` action's answer.
 */
function reportedValue(
  head: Pick<ConformanceCase, 'id' | 'area' | 'source' | 'documented'>,
  reports: { readonly action: string; readonly field: string; readonly label?: string },
  expected: (fixture: FixtureFacts) => unknown,
): ConformanceCase {
  return { ...head, requests: [action(reports.action)], check: ([a], fixture) => ensureEqual(a.json()[reports.field], expected(fixture), reports.label ?? reports.field) };
}

/** The check of a request Lambda refuses: this HTTP status and this `X-Amzn-ErrorType`. */
function refusedWith(status: number, errorType: string): ConformanceCase['check'] {
  return ([a]) => {
    ensureEqual(a.status, status, 'status');
    ensureEqual(a.headers['x-amzn-errortype'], errorType, 'x-amzn-ErrorType');
  };
}

/** The check of an invoke answered 200 with this JSON body (`what` names it in a failure). */
function answersJson(body: unknown, what = 'body'): ConformanceCase['check'] {
  return ([a]) => {
    ensureEqual(a.status, 200, 'status');
    ensureEqual(a.json(), body, what);
  };
}

export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  // --- Invoke API ------------------------------------------------------------------------------
  {
    id: 'invoke-api.sync-result', area: 'invoke-api', source: INVOKE_API,
    documented: 'A synchronous invoke answers 200 with the function response as the body.',
    requests: [action('echo', { value: 42 })],
    check: answersJson({ action: 'echo', value: 42 }),
  },
  {
    id: 'invoke-api.executed-version', area: 'invoke-api', source: INVOKE_API,
    documented: 'X-Amz-Executed-Version names the version that ran ($LATEST for an unqualified invoke).',
    requests: [action('echo')],
    check: ([a]) => ensureEqual(a.headers['x-amz-executed-version'], '$LATEST', 'X-Amz-Executed-Version'),
  },
  {
    id: 'invoke-api.request-id', area: 'invoke-api', source: INVOKE_API,
    documented: 'x-amzn-RequestId is the request id of the invocation, the one the function sees in its context.',
    requests: [action('context')],
    check: ([a]) => ensureEqual(a.headers['x-amzn-requestid'], a.json().aws_request_id, 'x-amzn-RequestId vs context.aws_request_id'),
  },
  {
    id: 'invoke-api.function-error-header', area: 'invoke-api', source: INVOKE_API,
    documented: 'A function error is status 200 with X-Amz-Function-Error set.',
    requests: [action('raise')],
    check: ([a]) => {
      ensureEqual(a.status, 200, 'status');
      ensureEqual(a.headers['x-amz-function-error'], 'Unhandled', 'X-Amz-Function-Error');
    },
  },
  {
    id: 'invoke-api.function-error-body', area: 'invoke-api', source: PYTHON_ERRORS,
    documented: 'The error response carries errorMessage, errorType and stackTrace of the Python exception.',
    requests: [action('raise', { message: 'bad input 7' })],
    check: ([a]) => {
      const body = a.json();
      ensureEqual(body.errorType, 'ValueError', 'errorType');
      ensureEqual(body.errorMessage, 'bad input 7', 'errorMessage');
      ensure(Array.isArray(body.stackTrace) && body.stackTrace.length > 0, `stackTrace: expected a non-empty list, got ${JSON.stringify(body.stackTrace)}`);
    },
  },
  {
    id: 'invoke-api.event-202', area: 'invoke-api', source: INVOKE_API,
    documented: 'InvocationType Event queues the event and answers 202 with an empty body.',
    requests: [{ via: 'invoke', event: { action: 'echo' }, headers: { 'x-amz-invocation-type': 'Event' } }],
    check: ([a]) => {
      ensureEqual(a.status, 202, 'status');
      ensureEqual(a.body.length, 0, 'body length');
    },
  },
  {
    id: 'invoke-api.dry-run-204', area: 'invoke-api', source: INVOKE_API,
    documented: 'InvocationType DryRun validates the request and answers 204 without running the function.',
    requests: [{ via: 'invoke', event: { action: 'echo' }, headers: { 'x-amz-invocation-type': 'DryRun' } }],
    check: ([a]) => ensureEqual(a.status, 204, 'status'),
  },
  {
    id: 'invoke-api.invalid-json-400', area: 'invoke-api', source: INVOKE_API,
    documented: 'A body that is not JSON is refused: 400 InvalidRequestContentException.',
    requests: [{ via: 'invoke', body: 'this is not json' }],
    check: refusedWith(400, 'InvalidRequestContentException'),
  },
  {
    id: 'invoke-api.invalid-client-context-400', area: 'invoke-api', source: INVOKE_API,
    documented: 'ClientContext must be base64-encoded JSON; anything else is 400 InvalidRequestContentException.',
    requests: [{ via: 'invoke', event: { action: 'echo' }, headers: { 'x-amz-client-context': Buffer.from('not json').toString('base64') } }],
    check: refusedWith(400, 'InvalidRequestContentException'),
  },
  {
    id: 'invoke-api.no-payload', area: 'invoke-api', source: INVOKE_API,
    documented: 'Payload is optional; an invoke without one gives the function the empty JSON object {}.',
    requests: [{ via: 'invoke', body: '' }],
    check: answersJson({}, 'the event the function received'),
  },
  {
    id: 'invoke-api.request-too-large', area: 'limits', source: QUOTAS,
    documented: 'A synchronous request over 6 MB (6,291,456 bytes) is refused: 413 RequestTooLargeException.',
    requests: [{ via: 'invoke', body: `{"p":"${'x'.repeat(6_291_456)}"}` }],
    check: refusedWith(413, 'RequestTooLargeException'),
  },
  {
    id: 'invoke-api.event-payload-too-large', area: 'limits', source: QUOTAS,
    documented: 'An asynchronous (Event) request over 1 MB is refused: 413 RequestTooLargeException.',
    requests: [{ via: 'invoke', body: `{"p":"${'x'.repeat(1_048_576)}"}`, headers: { 'x-amz-invocation-type': 'Event' } }],
    check: refusedWith(413, 'RequestTooLargeException'),
  },
  {
    id: 'invoke-api.unknown-qualifier-404', area: 'invoke-api', source: INVOKE_API,
    documented: 'A Qualifier naming a version or alias that does not exist is 404 ResourceNotFoundException.',
    requests: [{ via: 'invoke', event: { action: 'echo' }, path: '?Qualifier=7' }],
    check: refusedWith(404, 'ResourceNotFoundException'),
  },
  {
    id: 'invoke-api.latest-qualifier', area: 'invoke-api', source: INVOKE_API,
    documented: 'Qualifier $LATEST invokes the unpublished version.',
    requests: [{ via: 'invoke', event: { action: 'echo', q: 1 }, path: '?Qualifier=%24LATEST' }],
    check: answersJson({ action: 'echo', q: 1 }),
  },
  {
    id: 'invoke-api.unknown-function-404', area: 'invoke-api', source: INVOKE_API,
    documented: 'Invoking a function that does not exist is 404 ResourceNotFoundException.',
    requests: [{ via: 'invoke', event: {}, functionName: 'no-such-function' }],
    check: refusedWith(404, 'ResourceNotFoundException'),
  },
  {
    id: 'invoke-api.log-tail', area: 'invoke-api', source: INVOKE_API,
    documented: 'LogType Tail returns the last 4 KB of the execution log, base64-encoded, in X-Amz-Log-Result.',
    requests: [{ via: 'invoke', event: { action: 'print', lines: ['conformance tail line'] }, headers: { 'x-amz-log-type': 'Tail' } }],
    check: ([a]) => {
      const header = a.headers['x-amz-log-result'];
      ensure(header, 'X-Amz-Log-Result is missing');
      const log = Buffer.from(header, 'base64').toString('utf8');
      ensure(Buffer.byteLength(log) <= 4096, `the tail is ${Buffer.byteLength(log)} bytes, over 4 KB`);
      ensure(log.includes('conformance tail line'), `the tail lacks the function's output: ${JSON.stringify(log)}`);
      ensure(/REPORT RequestId: \S+/.test(log.trimEnd().split('\n').at(-1) ?? ''), `the tail does not end with REPORT: ${JSON.stringify(log.slice(-200))}`);
    },
  },
  {
    id: 'invoke-api.no-log-tail-by-default', area: 'invoke-api', source: INVOKE_API,
    documented: 'Without LogType Tail, no X-Amz-Log-Result is returned.',
    requests: [action('echo')],
    check: ([a]) => ensureEqual(a.headers['x-amz-log-result'], undefined, 'X-Amz-Log-Result'),
  },
  {
    id: 'limits.response-too-large', area: 'limits', source: QUOTAS,
    documented: 'A response over 6 MB fails the invoke with Function.ResponseSizeTooLarge.',
    requests: [action('big', { bytes: 6_300_000 })],
    check: ([a]) => {
      ensureEqual(a.headers['x-amz-function-error'], 'Unhandled', 'X-Amz-Function-Error');
      ensureEqual(a.json().errorType, 'Function.ResponseSizeTooLarge', 'errorType');
    },
  },

  // --- Context object --------------------------------------------------------------------------
  reportedValue({ id: 'context.function-name', area: 'context', source: PYTHON_CONTEXT, documented: 'context.function_name is the name of the Lambda function.' }, { action: 'context', field: 'function_name' }, (f) => f.functionName),
  reportedValue({ id: 'context.function-version', area: 'context', source: PYTHON_CONTEXT, documented: 'context.function_version is the version of the function ($LATEST when unqualified).' }, { action: 'context', field: 'function_version' }, () => '$LATEST'),
  reportedValue({ id: 'context.memory-limit', area: 'context', source: PYTHON_CONTEXT, documented: 'context.memory_limit_in_mb is the memory allocated to the function.' }, { action: 'context', field: 'memory_limit_in_mb' }, (f) => String(f.memoryMb)),
  {
    id: 'context.invoked-function-arn', area: 'context', source: PYTHON_CONTEXT,
    documented: 'context.invoked_function_arn is the ARN used to invoke the function.',
    requests: [action('context')],
    check: ([a], fixture) => ensure(new RegExp(`^arn:aws:lambda:[a-z0-9-]+:\\d{12}:function:${fixture.functionName}$`).test(a.json().invoked_function_arn),
      `invoked_function_arn: got ${a.json().invoked_function_arn}`),
  },
  reportedValue({ id: 'context.log-group', area: 'context', source: PYTHON_CONTEXT, documented: 'context.log_group_name is /aws/lambda/<function name>.' }, { action: 'context', field: 'log_group_name' }, (f) => `/aws/lambda/${f.functionName}`),
  {
    id: 'context.log-stream', area: 'context', source: PYTHON_CONTEXT,
    documented: 'context.log_stream_name is the log stream of the execution environment (date/[version]id).',
    requests: [action('context')],
    check: ([a]) => ensure(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]+$/.test(a.json().log_stream_name), `log_stream_name: got ${a.json().log_stream_name}`),
  },
  {
    id: 'context.request-id-uuid', area: 'context', source: PYTHON_CONTEXT,
    documented: 'context.aws_request_id is the identifier of the invocation request (a UUID).',
    requests: [action('context')],
    check: ([a]) => ensure(UUID.test(a.json().aws_request_id), `aws_request_id: got ${a.json().aws_request_id}`),
  },
  {
    id: 'context.remaining-time', area: 'context', source: PYTHON_CONTEXT,
    documented: 'get_remaining_time_in_millis() returns the milliseconds left before the invocation times out.',
    requests: [action('context')],
    check: ([a], fixture) => {
      const remaining = a.json().remaining_ms;
      ensure(remaining > 0 && remaining <= fixture.timeoutSeconds * 1000, `remaining_ms: expected 0 < ms <= ${fixture.timeoutSeconds * 1000}, got ${remaining}`);
    },
  },
  {
    id: 'context.client-context', area: 'context', source: PYTHON_CONTEXT,
    documented: 'context.client_context carries the client context of the invoke (custom values included).',
    requests: [{ via: 'invoke', event: { action: 'context' }, headers: { 'x-amz-client-context': Buffer.from(JSON.stringify({ custom: { tenant: 'ü-42' }, env: {}, client: {} })).toString('base64') } }],
    check: ([a]) => ensureEqual(a.json().client_context_custom, { tenant: 'ü-42' }, 'client_context.custom'),
  },
  {
    id: 'runtime-api.trace-id', area: 'runtime-api', source: RUNTIME_API,
    documented: 'Lambda-Runtime-Trace-Id of /next becomes _X_AMZN_TRACE_ID for the handler.',
    requests: [action('context')],
    check: ([a]) => ensure(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]/.test(a.json().trace_id ?? ''), `_X_AMZN_TRACE_ID: got ${a.json().trace_id}`),
  },
  {
    id: 'runtime-api.deadline', area: 'runtime-api', source: RUNTIME_API,
    documented: 'Lambda-Runtime-Deadline-Ms is the invocation deadline: the runtime derives the remaining time from it.',
    requests: [action('context')],
    check: ([a], fixture) => ensure(a.json().remaining_ms > fixture.timeoutSeconds * 1000 - 1500, `remaining_ms right after start: got ${a.json().remaining_ms}`),
  },

  // --- Environment variables -------------------------------------------------------------------
  ...(<ReadonlyArray<readonly [string, (fixture: FixtureFacts) => string]>>[
    ['AWS_LAMBDA_FUNCTION_NAME', (f) => f.functionName],
    ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE', (f) => String(f.memoryMb)],
    ['AWS_LAMBDA_FUNCTION_VERSION', () => '$LATEST'],
    ['_HANDLER', (f) => f.handler],
    ['LAMBDA_TASK_ROOT', () => '/var/task'],
    ['LAMBDA_RUNTIME_DIR', () => '/var/runtime'],
    ['AWS_LAMBDA_LOG_GROUP_NAME', (f) => `/aws/lambda/${f.functionName}`],
    ['AWS_LAMBDA_INITIALIZATION_TYPE', () => 'on-demand'],
    ['TZ', () => ':UTC'],
  ]).map(([name, expected]) =>
    reportedValue(
      { id: `environment.${name.toLowerCase()}`, area: 'environment', source: ENV_VARS, documented: `The reserved variable ${name} is set by Lambda.` },
      { action: 'env', field: name },
      expected,
    ),
  ),
  {
    id: 'environment.region', area: 'environment', source: ENV_VARS,
    documented: 'AWS_REGION and AWS_DEFAULT_REGION name the region the function runs in.',
    requests: [action('env')],
    check: ([a]) => {
      const env = a.json();
      ensure(/^[a-z]{2}-[a-z]+-\d$/.test(env.AWS_REGION ?? ''), `AWS_REGION: got ${env.AWS_REGION}`);
      ensureEqual(env.AWS_DEFAULT_REGION, env.AWS_REGION, 'AWS_DEFAULT_REGION');
    },
  },
  {
    id: 'environment.runtime-api', area: 'environment', source: ENV_VARS,
    documented: 'AWS_LAMBDA_RUNTIME_API is the host:port of the Runtime API (custom runtimes use it).',
    requests: [action('env')],
    check: ([a]) => ensure(/^[\w.-]+:\d+$/.test(a.json().AWS_LAMBDA_RUNTIME_API ?? ''), `AWS_LAMBDA_RUNTIME_API: got ${a.json().AWS_LAMBDA_RUNTIME_API}`),
  },
  {
    id: 'environment.execution-env', area: 'environment', source: ENV_VARS,
    documented: 'AWS_EXECUTION_ENV names the runtime: AWS_Lambda_python3.x.',
    requests: [action('env')],
    check: ([a]) => ensure(/^AWS_Lambda_python3\.\d+$/.test(a.json().AWS_EXECUTION_ENV ?? ''), `AWS_EXECUTION_ENV: got ${a.json().AWS_EXECUTION_ENV}`),
  },
  {
    id: 'environment.credentials', area: 'environment', source: ENV_VARS,
    documented: 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN hold the execution role credentials.',
    requests: [action('env')],
    check: ([a]) => {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) ensure(a.json()[name], `${name} is not set`);
    },
  },

  // --- Filesystem ------------------------------------------------------------------------------
  reportedValue({ id: 'filesystem.task-root-read-only', area: 'filesystem', source: ENVIRONMENT, documented: 'The function code in /var/task is read-only (EROFS on write).' }, { action: 'filesystem', field: 'task_root', label: '/var/task write' }, () => 'errno 30'),
  {
    id: 'filesystem.root-read-only', area: 'filesystem', source: ENVIRONMENT,
    documented: 'Only /tmp is writable; the rest of the file system is read-only.',
    requests: [action('filesystem')],
    check: ([a]) => ensure(a.json().root !== 'writable', `writing to / succeeded`),
  },
  reportedValue({ id: 'filesystem.tmp-writable', area: 'filesystem', source: EPHEMERAL, documented: '/tmp is writable ephemeral storage.' }, { action: 'filesystem', field: 'tmp', label: '/tmp write' }, () => 'writable'),
  {
    id: 'filesystem.tmp-size', area: 'filesystem', source: EPHEMERAL,
    documented: '/tmp is 512 MB by default.',
    requests: [action('filesystem')],
    check: ([a]) => {
      const size = a.json().tmp_size_mb;
      ensure(size >= 500 && size <= 560, `/tmp size: expected about 512 MB, got ${size} MB`);
    },
  },
  {
    id: 'filesystem.tmp-kept-warm', area: 'filesystem', source: EPHEMERAL,
    documented: 'The execution environment keeps /tmp between invokes it serves (warm starts).',
    requests: [action('write-tmp', { value: 'kept' }), action('read-tmp')],
    check: ([, a]) => ensureEqual(a.json().value, 'kept', 'the marker written by the previous invoke'),
  },
  reportedValue({ id: 'filesystem.working-directory', area: 'filesystem', source: ENV_VARS, documented: 'The handler runs with the function directory LAMBDA_TASK_ROOT (/var/task) as working directory.' }, { action: 'filesystem', field: 'cwd' }, () => '/var/task'),
  {
    id: 'filesystem.not-root-user', area: 'filesystem', source: ENVIRONMENT,
    documented: 'The function runs as a non-root user.',
    requests: [action('filesystem')],
    check: ([a]) => ensure(a.json().uid !== 0, 'the function runs as uid 0'),
  },

  // --- Lifecycle: init, timeout, exit ----------------------------------------------------------
  {
    id: 'lifecycle.warm-reuse', area: 'lifecycle', source: ENVIRONMENT,
    documented: 'Sequential invokes reuse the execution environment: module-level state survives (warm start).',
    requests: [action('environment'), action('environment')],
    check: ([a, b]) => {
      ensureEqual(b.json().environment_id, a.json().environment_id, 'environment id of the second invoke');
      ensureEqual(b.json().invocations, a.json().invocations + 1, 'invocation counter');
    },
  },
  {
    id: 'lifecycle.timeout', area: 'lifecycle', source: TIMEOUT,
    documented: 'An invocation past the timeout ends with "Task timed out after N.00 seconds" (Sandbox.Timedout).',
    requests: [action('sleep', { seconds: 60 })],
    check: ([a], fixture) => {
      ensureEqual(a.headers['x-amz-function-error'], 'Unhandled', 'X-Amz-Function-Error');
      ensure(new RegExp(`Task timed out after ${fixture.timeoutSeconds}\\.00 seconds`).test(a.json().errorMessage ?? ''), `errorMessage: got ${a.json().errorMessage}`);
    },
  },
  {
    id: 'lifecycle.fresh-after-timeout', area: 'lifecycle', source: ENVIRONMENT,
    documented: 'After a timeout the execution environment is reset: the next invoke initialises a new one.',
    requests: [action('environment'), action('sleep', { seconds: 60 }), action('environment')],
    check: ([before, , after]) => ensure(after.json().environment_id !== before.json().environment_id, 'the same environment served the invoke after the timeout'),
  },
  {
    id: 'lifecycle.exit-error', area: 'lifecycle', source: ENVIRONMENT,
    documented: 'A runtime process that exits fails the invoke with Runtime.ExitError and its exit status.',
    requests: [action('exit', { code: 3 })],
    check: ([a]) => {
      ensureEqual(a.json().errorType, 'Runtime.ExitError', 'errorType');
      ensure(/exit status 3/.test(a.json().errorMessage ?? ''), `errorMessage: got ${a.json().errorMessage}`);
    },
  },
  {
    id: 'lifecycle.out-of-memory', area: 'limits', source: MEMORY,
    documented: 'A function that uses more than its memory is stopped: Runtime.OutOfMemory.',
    requests: [action('allocate', { mb: 700 })],
    check: ([a]) => ensureEqual(a.json().errorType, 'Runtime.OutOfMemory', 'errorType'),
  },
  {
    id: 'limits.cpu-follows-memory', area: 'limits', source: MEMORY,
    documented: 'CPU is allocated in proportion to memory: 1,769 MB is one vCPU (512 MB: about 0.29).',
    requests: [action('cpu', { seconds: 1 })],
    check: ([a], fixture) => {
      const share = a.json().share;
      ensure(share <= (fixture.memoryMb / 1769) * 1.25, `a busy loop got ${share.toFixed(2)} of a core, more than ${(fixture.memoryMb / 1769).toFixed(2)}`);
    },
  },
  {
    id: 'logs.stdout-in-log', area: 'lifecycle', source: MONITORING,
    documented: 'What the function prints goes to its log, between START and REPORT of the invocation.',
    requests: [{ via: 'invoke', event: { action: 'print', lines: ['first', 'second'] }, headers: { 'x-amz-log-type': 'Tail' } }],
    check: ([a]) => {
      const log = Buffer.from(a.headers['x-amz-log-result'] ?? '', 'base64').toString('utf8');
      const start = log.indexOf('START RequestId:');
      ensure(start >= 0 && log.indexOf('first') > start && log.indexOf('second') > log.indexOf('first'), `log order: ${JSON.stringify(log)}`);
    },
  },

  // --- Function URL: payload format 2.0 both ways -----------------------------------------------
  {
    id: 'function-url.event-shape', area: 'function-url', source: URL_PAYLOADS,
    documented: 'The request event is payload format 2.0: version, routeKey $default, rawPath, rawQueryString.',
    requests: [{ via: 'url', path: '/event?b=2&a=1' }],
    check: ([a]) => {
      const event = a.json();
      ensureEqual([event.version, event.routeKey, event.rawPath, event.rawQueryString], ['2.0', '$default', '/event', 'b=2&a=1'], 'version, routeKey, rawPath, rawQueryString');
    },
  },
  {
    id: 'function-url.query-parameters', area: 'function-url', source: URL_PAYLOADS,
    documented: 'queryStringParameters joins repeated parameters with commas.',
    requests: [{ via: 'url', path: '/event?id=1&id=2' }],
    check: ([a]) => ensureEqual(a.json().queryStringParameters, { id: '1,2' }, 'queryStringParameters'),
  },
  {
    id: 'function-url.headers', area: 'function-url', source: URL_PAYLOADS,
    documented: 'Header names are lower-case; repeated headers are joined with commas.',
    requests: [{ via: 'url', path: '/event', headers: { 'X-Conformance': 'one' } }],
    check: ([a]) => ensureEqual(a.json().headers['x-conformance'], 'one', 'headers["x-conformance"]'),
  },
  {
    id: 'function-url.cookies', area: 'function-url', source: URL_PAYLOADS,
    documented: 'Request cookies arrive in the cookies array, not in a cookie header.',
    requests: [{ via: 'url', path: '/event', headers: { cookie: 'a=1; b=2' } }],
    check: ([a]) => {
      ensureEqual(a.json().cookies, ['a=1', 'b=2'], 'cookies');
      ensureEqual(a.json().headers.cookie, undefined, 'headers.cookie');
    },
  },
  {
    id: 'function-url.request-context', area: 'function-url', source: URL_PAYLOADS,
    documented: 'requestContext.http has the method, path, protocol, sourceIp and userAgent; requestId matches x-amzn-RequestId.',
    requests: [{ via: 'url', method: 'POST', path: '/event', body: '{}', headers: { 'user-agent': 'conformance/1.0', 'content-type': 'application/json' } }],
    check: ([a]) => {
      const context = a.json().requestContext;
      ensureEqual([context.http.method, context.http.path, context.http.userAgent], ['POST', '/event', 'conformance/1.0'], 'method, path, userAgent');
      ensure(context.http.sourceIp, 'requestContext.http.sourceIp is empty');
      ensureEqual(context.requestId, a.headers['x-amzn-requestid'], 'requestContext.requestId vs x-amzn-RequestId');
    },
  },
  {
    id: 'function-url.text-body', area: 'function-url', source: URL_PAYLOADS,
    documented: 'A text body is passed as is, isBase64Encoded false.',
    requests: [{ via: 'url', method: 'POST', path: '/event', body: '{"hello":"world"}', headers: { 'content-type': 'application/json' } }],
    check: ([a]) => ensureEqual([a.json().body, a.json().isBase64Encoded], ['{"hello":"world"}', false], 'body, isBase64Encoded'),
  },
  {
    id: 'function-url.binary-body', area: 'function-url', source: URL_PAYLOADS,
    documented: 'A binary body is base64-encoded, isBase64Encoded true.',
    requests: [{ via: 'url', method: 'POST', path: '/event', body: Buffer.from([0, 1, 2, 254, 255]), headers: { 'content-type': 'application/octet-stream' } }],
    check: ([a]) => ensureEqual([a.json().body, a.json().isBase64Encoded], [Buffer.from([0, 1, 2, 254, 255]).toString('base64'), true], 'body, isBase64Encoded'),
  },
  {
    id: 'function-url.inferred-response', area: 'function-url', source: URL_PAYLOADS,
    documented: 'A response without statusCode is inferred: 200, application/json, the returned JSON as body.',
    requests: [{ via: 'url', path: '/dict' }],
    check: ([a]) => {
      ensureEqual(a.status, 200, 'status');
      ensure((a.headers['content-type'] ?? '').startsWith('application/json'), `content-type: got ${a.headers['content-type']}`);
      ensureEqual(a.json(), { message: 'no statusCode' }, 'body');
    },
  },
  {
    id: 'function-url.structured-response', area: 'function-url', source: URL_PAYLOADS,
    documented: 'statusCode, headers and body of the response become the HTTP response.',
    requests: [{ via: 'url', path: '/teapot' }],
    check: ([a]) => {
      ensureEqual(a.status, 418, 'status');
      ensureEqual(a.headers['x-conformance'], 'yes', 'x-conformance');
      ensureEqual(a.text(), 'short and stout', 'body');
    },
  },
  {
    id: 'function-url.response-cookies', area: 'function-url', source: URL_PAYLOADS,
    documented: 'Each entry of the response cookies array becomes a Set-Cookie header.',
    requests: [{ via: 'url', path: '/cookies' }],
    check: ([a]) => ensureEqual(a.setCookies, ['a=1; Path=/', 'b=2'], 'Set-Cookie headers'),
  },
  {
    id: 'function-url.binary-response', area: 'function-url', source: URL_PAYLOADS,
    documented: 'A response with isBase64Encoded true is decoded to its bytes.',
    requests: [{ via: 'url', path: '/binary' }],
    check: ([a]) => ensureEqual([...a.body], [0, 1, 2, 254, 255], 'body bytes'),
  },
  {
    id: 'function-url.function-error-502', area: 'function-url', source: URL_PAYLOADS,
    documented: 'A function error behind a Function URL is a 502 that reveals nothing of the error.',
    requests: [{ via: 'url', path: '/raise' }],
    check: ([a]) => {
      ensureEqual(a.status, 502, 'status');
      ensure(!a.text().includes('failed behind the URL') && !Object.keys(a.headers).some((name) => name.startsWith('x-harness')),
        `the 502 reveals the error: ${a.text()} ${JSON.stringify(a.headers)}`);
    },
  },
];
