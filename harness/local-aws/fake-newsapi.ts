/**
 * MOCK of a third party: a fake NewsAPI (newsapi.org) on loopback. NewsAPI cannot be reached
 * from tests (and must not be: it is rate-limited and paid), so this imitates the JSON of
 * `GET /v2/everything` and `GET /v2/top-headlines`, including its key check and error shape.
 * The ingestion function selects it through `NEWSAPI_BASE_URL` (`<baseUrl>` below, ending in /v2).
 */
import { close, createHttpServer, listen } from '../emulator/http-listen';

/** One article as NewsAPI returns it. Tests may pass malformed objects on purpose. */
export interface NewsApiArticle {
  readonly source: { readonly id: string | null; readonly name: string };
  readonly author: string | null;
  readonly title: string;
  readonly description: string | null;
  readonly url: string;
  readonly urlToImage: string | null;
  readonly publishedAt: string;
  readonly content: string | null;
}

export interface FakeNewsApiOptions {
  /** The key requests must carry (`X-Api-Key` header, `Authorization` header or `apiKey` query). */
  readonly apiKey: string;
  /** Served by both endpoints, in this order. Anything JSON-serialisable, to test validation. */
  readonly articles: readonly (NewsApiArticle | Record<string, unknown>)[];
  /** @default a free port chosen by the OS */
  readonly port?: number;
}

export interface FakeNewsApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

export interface FakeNewsApi {
  /** `http://127.0.0.1:<port>/v2`: the value for `NEWSAPI_BASE_URL`. */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request received, in order, with the status answered. */
  readonly requests: readonly FakeNewsApiRequest[];
  /** Requests answered 200. */
  readonly servedCount: number;
  /** Replaces the articles served from now on. */
  setArticles(articles: readonly (NewsApiArticle | Record<string, unknown>)[]): void;
  stop(): Promise<void>;
}

const ENDPOINTS = new Set(['/v2/everything', '/v2/top-headlines']);

/** Makes a well-formed article; `n` keeps urls (and so the ingestion's source ids) distinct. */
export function sampleArticle(n: number, overrides: Partial<NewsApiArticle> = {}): NewsApiArticle {
  return {
    source: { id: 'fake-wire', name: 'Fake Wire (test mock)' },
    author: `Reporter ${n}`,
    title: `Sample headline number ${n}`,
    description: `A short description of sample story ${n}.`,
    url: `https://news.example.test/story/${n}`,
    urlToImage: null,
    publishedAt: new Date(Date.UTC(2025, 0, 1, 12, n % 60)).toISOString().replace('.000Z', 'Z'),
    content: `Full text of story ${n} [+100 chars]`,
    ...overrides,
  };
}

export async function startFakeNewsApi(options: FakeNewsApiOptions): Promise<FakeNewsApi> {
  if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) {
    throw new Error(`startFakeNewsApi: apiKey must be a non-empty string, got ${JSON.stringify(options.apiKey)}.`);
  }
  if (!Array.isArray(options.articles)) {
    throw new Error(`startFakeNewsApi: articles must be an array, got ${typeof options.articles}.`);
  }
  let articles = [...options.articles];
  const requests: FakeNewsApiRequest[] = [];

  const server = createHttpServer({ what: 'NewsAPI mock' }, (request, response) => {
    request.resume();
    const url = new URL(request.url ?? '/', 'http://fake-newsapi.local');
    const query = Object.fromEntries(url.searchParams.entries());
    const answer = (status: number, body: unknown): void => {
      requests.push({ method: request.method ?? 'GET', path: url.pathname, query, status });
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' || !ENDPOINTS.has(url.pathname)) {
      return answer(404, { status: 'error', code: 'routeNotFound', message: `No route ${request.method} ${url.pathname} on the fake NewsAPI (serves GET ${[...ENDPOINTS].join(', ')}).` });
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const key = (request.headers['x-api-key'] as string | undefined) ?? bearer ?? query.apiKey;
    if (!key) {
      return answer(401, { status: 'error', code: 'apiKeyMissing', message: 'Your API key is missing. Append this to the URL with the apiKey param, or use the x-api-key HTTP header.' });
    }
    if (key !== options.apiKey) {
      return answer(401, { status: 'error', code: 'apiKeyInvalid', message: 'Your API key is invalid or incorrect. Check your key, or go to https://newsapi.org to create a free API key.' });
    }
    const pageSize = clampInt(query.pageSize, 1, 100, 100);
    const page = clampInt(query.page, 1, 1000, 1);
    const slice = articles.slice((page - 1) * pageSize, page * pageSize);
    return answer(200, { status: 'ok', totalResults: articles.length, articles: slice });
  });

  const port = await listen(server, options.port ?? 0, '127.0.0.1', 'NewsAPI mock');
  let stopping: Promise<void> | undefined;

  return {
    baseUrl: `http://127.0.0.1:${port}/v2`,
    port,
    get requests() {
      return requests;
    },
    get servedCount() {
      return requests.filter((entry) => entry.status === 200).length;
    },
    setArticles(next) {
      articles = [...next];
    },
    stop: () =>
      (stopping ??= close(server)),
  };
}

function clampInt(raw: string | undefined, min: number, max: number, fallback: number): number {
  const value = raw === undefined ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
