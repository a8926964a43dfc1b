// The whole analyzer under the harness, for real: ZIP and image functions in containers polling
// our Runtime API emulator, a real moto server, real SNS HTTP delivery, real inference on the tiny
// model. Only NewsAPI (a third party) is mocked, and the test names it so.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import { REPO_ROOT } from '../../../model/paths';
import { formatConsoleReport } from '../../../harness/report/console-report';
import { ensureDockerEngine } from '../../../harness/docker/engine';
import { sampleArticle } from '../../../harness/local-aws/fake-newsapi';
import { scanItems } from '../../../harness/local-aws/seed-local-aws';
import { LocalStack, startLocalStack } from '../../../harness/pipeline/local-stack';
import { runProcess } from '../../../harness/process/run-process';

const API_KEY = 'e2e-dashboard-key';
const REPORTS = path.join(REPO_ROOT, 'reports');
const log: string[] = [];

let stack: LocalStack;

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}. Harness log tail:\n${log.slice(-40).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  await ensureDockerEngine();
  stack = await startLocalStack({
    baseChoice: 'auto',
    log: (line) => log.push(line),
    articles: [1, 2, 3].map((n) => sampleArticle(n)),
    dashboardApiKey: API_KEY,
    invokePort: 0,
    onFunctionLog: (name, line) => log.push(`${name} | ${line}`),
  });
  if (!stack.passed) throw new Error(`Verification failed:\n${formatConsoleReport(stack.verify.report)}`);
});

afterAll(async () => {
  await stack?.stop();
});

describe('sentiment analyzer end to end under the harness (NewsAPI mocked)', () => {
  /** What the SNS subscriptions ran (analysis is the catalog's one SNS-triggered function). */
  const snsRuns = () => stack.triggerRuns.filter((run) => run.trigger === 'sns');

  test('every function passed its suite before anything was wired', () => {
    expect(stack.verify.report.functions.map((f) => [f.name, f.passed])).toEqual([
      ['dashboard', true], ['ingestion', true], ['analysis', true],
    ]);
  });

  test('3 articles -> 3 items -> analysis ran 3 times -> every item has a sentiment', async () => {
    const [{ result: ingestion }] = await stack.runSchedules();
    expect(ingestion.ok).toBe(true);
    expect(JSON.parse(ingestion.payload.toString())).toMatchObject({ fetched: 3, stored: 3, duplicates: 0, skipped: 0 });

    await waitFor('3 analysis runs', async () => snsRuns().length >= 3 && (await stack.settled(), true));
    expect(snsRuns()).toHaveLength(3);
    expect(snsRuns().map((r) => (r.result.ok ? 'ok' : `${r.result.errorType}: ${r.result.errorMessage}`))).toEqual(['ok', 'ok', 'ok']);

    const items = await scanItems(stack.verify.localAws!.moto.endpoint, stack.verify.localAws!.seeded.tableName);
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(['negative', 'neutral', 'positive']).toContain(item.sentiment);
      expect(typeof item.score).toBe('number');
    }

    // Figures the spec's NFRs ask for, recorded (targets are benchmarks, not assertions).
    const analysis = stack.verify.verified.find((v) => v.report.name === 'analysis')!;
    const cold = snsRuns().map((r) => r.result.report).filter((r) => r.initDurationMs !== undefined);
    fs.mkdirSync(REPORTS, { recursive: true });
    fs.writeFileSync(path.join(REPORTS, 'analysis-figures.json'), JSON.stringify({
      imageBytes: analysis.artifact?.bytes,
      base: analysis.report.base,
      maxMemoryUsedMb: Math.max(...snsRuns().map((r) => r.result.report.maxMemoryUsedMb)),
      // A cold invoke: container start -> first /next (imports, model download and load) + the inference.
      coldStartMs: cold.length > 0 ? Math.max(...cold.map((r) => r.initDurationMs! + r.durationMs)) : null,
      reports: snsRuns().map((r) => r.result.report.line),
    }, null, 2) + '\n');
  });

  test('a second ingestion run stores no duplicates and triggers no analysis', async () => {
    const before = snsRuns().length;
    const [{ result: again }] = await stack.runSchedules();
    expect(JSON.parse(again.payload.toString())).toMatchObject({ fetched: 3, stored: 0, duplicates: 3 });
    await stack.settled();
    expect(snsRuns().length).toBe(before);
  });

  test('/api/metrics counts 3 with the right key and answers 401 without it', async () => {
    const withKey = await request(new URL('/api/metrics', stack.urls.dashboard), { headers: { 'x-api-key': API_KEY } });
    expect(withKey.statusCode).toBe(200);
    const metrics = (await withKey.body.json()) as { total: number };
    expect(metrics.total).toBe(3);

    const withoutKey = await request(new URL('/api/metrics', stack.urls.dashboard));
    expect(withoutKey.statusCode).toBe(401);
    await withoutKey.body.dump();
    const wrongKey = await request(new URL('/api/metrics', stack.urls.dashboard), { headers: { 'x-api-key': 'wrong' } });
    expect(wrongKey.statusCode).toBe(401);
    await wrongKey.body.dump();
  });

  test('/api/stream delivers its SSE events through the buffered Function URL front and ends by itself', async () => {
    const response = await request(new URL('/api/stream?events=2', stack.urls.dashboard), { headers: { 'x-api-key': API_KEY } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const body = await response.body.text();
    const events = body.split(/\r?\n\r?\n/).filter((block) => block.includes('event:'));
    expect(events.map((block) => /event: (\w+)/.exec(block)![1])).toEqual(['metrics', 'metrics', 'end']);
    const first = JSON.parse(/data: (.*)/.exec(events[0])![1]) as { total: number };
    expect(first.total).toBe(3);
  });

  test('the invoke endpoint answers /health for a payload-format-2.0 event', async () => {
    const event = {
      version: '2.0', routeKey: '$default', rawPath: '/health', rawQueryString: '', headers: { host: 'localhost' },
      requestContext: { http: { method: 'GET', path: '/health', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'e2e' },
        accountId: 'anonymous', apiId: 'local', domainName: 'localhost', domainPrefix: 'localhost', requestId: 'e2e', routeKey: '$default',
        stage: '$default', time: '22/Nov/2026:00:00:00 +0000', timeEpoch: 0 },
      isBase64Encoded: false,
    };
    const response = await request(`${stack.invokeEndpoint!.url}/2015-03-31/functions/dashboard/invocations`, { method: 'POST', body: JSON.stringify(event) });
    expect(response.statusCode).toBe(200);
    const result = (await response.body.json()) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'healthy' });
  });

  test('the dashboard page loads in headless Chromium and shows the metrics (screenshot in reports/)', async () => {
    const page = `${stack.urls.dashboard}?key=${API_KEY}`;
    const chromium = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1200,900', '--virtual-time-budget=8000'];
    const { stdout: dom } = await runProcess('chromium', [...chromium, '--dump-dom', page]);
    expect(dom).toMatch(/id="total"[^>]*>3</);
    const screenshot = path.join(REPORTS, 'dashboard.png');
    fs.rmSync(screenshot, { force: true });
    await runProcess('chromium', [...chromium, `--screenshot=${screenshot}`, page]);
    expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
  });
});
