/**
 * Health and the catalog's own smoke checks, run against any FunctionTarget (local or deployed).
 */
import { FunctionSpec, SmokeCheck } from '../../model/function-spec';
import { CheckResult, timedCheck } from './check-result';
import { jsonSubsetMismatch, parseJson, preview } from './expect-json';
import { FunctionTarget, HttpAnswer } from './function-target';

/** GET of the declared health path through the Function URL must answer 200 with JSON. */
export function runHealthCheck(spec: FunctionSpec, target: FunctionTarget): Promise<CheckResult> {
  const path = spec.healthPath ?? '/health';
  return timedCheck('health', `GET ${path} -> 200 JSON`, async () => {
    if (!target.http) return { passed: false, message: `${spec.name} has no Function URL to send GET ${path} to.` };
    const answer = await target.http('GET', path, { accept: 'application/json' });
    const failure = httpFailure(answer, 200);
    if (failure) return failure;
    const body = parseJson(answer.body);
    if (!body.ok) return { passed: false, message: `GET ${path} answered 200 but ${body.reason}` };
    return { passed: true, message: `200 ${preview(answer.body, 120)}` };
  });
}

export function runSmokeCheck(check: SmokeCheck, target: FunctionTarget): Promise<CheckResult> {
  return timedCheck('smoke', check.name, async () => {
    if (check.kind === 'http') {
      if (!target.http) return { passed: false, message: 'this target has no Function URL' };
      const answer = await target.http(check.method, check.path, check.headers ?? {}, check.body);
      const failure = httpFailure(answer, check.expectStatus);
      if (failure) return failure;
      return expectBody(answer.body, check.expectJson, `${check.method} ${check.path} -> ${answer.status}`);
    }
    if (!target.invoke) return { passed: false, message: 'this target cannot be invoked directly' };
    const answer = await target.invoke(check.event);
    if (check.expectErrorType !== undefined) {
      return answer.errorType === check.expectErrorType
        ? { passed: true, message: `failed as expected with ${answer.errorType}` }
        : { passed: false, errorType: answer.errorType, message: `expected errorType ${check.expectErrorType}, got ${answer.ok ? 'success' : answer.errorType}: ${preview(answer.payload)}` };
    }
    if (!answer.ok) return { passed: false, errorType: answer.errorType, message: answer.errorMessage ?? answer.payload };
    return expectBody(answer.payload, check.expectJson, 'invoke succeeded');
  });
}

/** Which checks apply to a target: invoke checks need the local harness. */
export function applicableSmokeChecks(spec: FunctionSpec, target: FunctionTarget): readonly SmokeCheck[] {
  return (spec.smokeChecks ?? []).filter((check) => (check.kind === 'http' ? !!target.http : !!target.invoke));
}

function httpFailure(answer: HttpAnswer, expectStatus: number): Omit<CheckResult, 'kind' | 'name' | 'durationMs'> | undefined {
  if (answer.functionError) {
    return { passed: false, errorType: answer.functionError.errorType, message: answer.functionError.errorMessage };
  }
  if (answer.status !== expectStatus) {
    return { passed: false, message: `expected HTTP ${expectStatus}, got ${answer.status}: ${preview(answer.body)}` };
  }
  return undefined;
}

function expectBody(text: string, expectJson: Readonly<Record<string, unknown>> | undefined, summary: string) {
  if (!expectJson) return { passed: true, message: summary };
  const body = parseJson(text);
  if (!body.ok) return { passed: false, message: body.reason };
  const mismatch = jsonSubsetMismatch(body.value, expectJson);
  return mismatch ? { passed: false, message: mismatch } : { passed: true, message: `${summary} ${preview(text, 120)}` };
}
