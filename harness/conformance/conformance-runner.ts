/**
 * Runs the conformance cases against any engine that has an invoke URL
 * (`.../2015-03-31/functions/function/invocations`) and a Function URL base, and records the
 * result per case in reports/conformance.json, keyed by engine so runs against other engines
 * (AWS's RIE) add their column to the same table: case | AWS documents | <engine> | ...
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Agent, request } from 'undici';
import { CONFORMANCE_CASES } from './cases';
import { CaseMismatch, ConformanceAnswer, ConformanceCase, ConformanceRequest, FixtureFacts } from './conformance-case';

export interface ConformanceTarget {
  /** Name of the column: `emulator`, `rie`, `lambda`. */
  readonly engine: string;
  /** `http://127.0.0.1:9000/2015-03-31/functions/function/invocations` */
  readonly invokeUrl: string;
  /** `http://127.0.0.1:8080/` (cases through the Function URL). */
  readonly functionUrl: string;
  /** How the fixture was deployed. */
  readonly fixture: FixtureFacts;
}

export interface CaseResult {
  readonly id: string;
  readonly area: string;
  readonly documented: string;
  readonly source: string;
  readonly passed: boolean;
  /** What differed (or the request error) when it did not pass. */
  readonly detail?: string;
  readonly ms: number;
}

export interface ConformanceRun {
  readonly engine: string;
  readonly at: string;
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly CaseResult[];
}

export interface RunConformanceOptions {
  /** @default every case */
  readonly cases?: readonly ConformanceCase[];
  /** Told about each case as it finishes. @default discarded */
  readonly onResult?: (result: CaseResult) => void;
  /** Longest wait for one answer. @default 60 s */
  readonly requestTimeoutMs?: number;
}

export async function runConformance(target: ConformanceTarget, options: RunConformanceOptions = {}): Promise<ConformanceRun> {
  const agent = new Agent({ connections: 4, headersTimeout: options.requestTimeoutMs ?? 60_000, bodyTimeout: options.requestTimeoutMs ?? 60_000 });
  const results: CaseResult[] = [];
  try {
    for (const testCase of options.cases ?? CONFORMANCE_CASES) {
      const started = performance.now();
      let passed = false;
      let detail: string | undefined;
      try {
        const answers: ConformanceAnswer[] = [];
        for (const step of testCase.requests) answers.push(await send(target, step, agent));
        testCase.check(answers, target.fixture);
        passed = true;
      } catch (error) {
        detail = error instanceof CaseMismatch ? error.message : `request failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      const result: CaseResult = {
        id: testCase.id, area: testCase.area, documented: testCase.documented, source: testCase.source,
        passed, ...(detail ? { detail } : {}), ms: Math.round(performance.now() - started),
      };
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    await agent.close();
  }
  const passedCount = results.filter((r) => r.passed).length;
  return { engine: target.engine, at: new Date().toISOString(), passed: passedCount, failed: results.length - passedCount, results };
}

async function send(target: ConformanceTarget, step: ConformanceRequest, agent: Agent): Promise<ConformanceAnswer> {
  let url: string;
  let method: string;
  if (step.via === 'invoke') {
    url = target.invokeUrl.replace('/functions/function/', `/functions/${encodeURIComponent(step.functionName ?? 'function')}/`) + (step.path ?? '');
    method = 'POST';
  } else {
    url = new URL((step.path ?? '/').replace(/^\//, ''), target.functionUrl.endsWith('/') ? target.functionUrl : `${target.functionUrl}/`).toString();
    method = step.method ?? 'GET';
  }
  const body = step.body ?? (step.event !== undefined ? JSON.stringify(step.event) : undefined);
  const response = await request(url, { method: method as 'GET', headers: { ...(step.headers ?? {}) }, body, dispatcher: agent });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const headers: Record<string, string> = {};
  let setCookies: string[] = [];
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    if (name === 'set-cookie') setCookies = Array.isArray(value) ? value : [value];
    else headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    status: response.statusCode,
    headers,
    setCookies,
    body: bytes,
    text: () => bytes.toString('utf8'),
    json: () => {
      try {
        return JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new CaseMismatch(`expected a JSON body, got (${response.statusCode}) ${JSON.stringify(bytes.toString('utf8').slice(0, 300))}`);
      }
    },
  };
}

/** reports/conformance.json: one row per case, one column per engine that ran. */
export interface ConformanceReport {
  readonly engines: Readonly<Record<string, { readonly at: string; readonly passed: number; readonly failed: number }>>;
  readonly cases: readonly {
    readonly id: string;
    readonly area: string;
    readonly documented: string;
    readonly source: string;
    readonly results: Readonly<Record<string, { readonly passed: boolean; readonly detail?: string }>>;
  }[];
}

/** Adds (or replaces) this engine's column in the report file, keeping the others. */
export function writeConformanceReport(run: ConformanceRun, file: string): ConformanceReport {
  let previous: ConformanceReport | undefined;
  try {
    previous = JSON.parse(fs.readFileSync(file, 'utf8')) as ConformanceReport;
  } catch {
    previous = undefined;
  }
  const rows = new Map((previous?.cases ?? []).map((row) => [row.id, { ...row, results: { ...row.results } }]));
  for (const result of run.results) {
    const row = rows.get(result.id) ?? { id: result.id, area: result.area, documented: result.documented, source: result.source, results: {} };
    rows.set(result.id, {
      ...row, area: result.area, documented: result.documented, source: result.source,
      results: { ...row.results, [run.engine]: { passed: result.passed, ...(result.detail ? { detail: result.detail } : {}) } },
    });
  }
  const report: ConformanceReport = {
    engines: { ...(previous?.engines ?? {}), [run.engine]: { at: run.at, passed: run.passed, failed: run.failed } },
    cases: [...rows.values()],
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
