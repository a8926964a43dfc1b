/**
 * The fake NewsAPI is a MOCK of a third party (newsapi.org cannot be reached from tests).
 */
import { FakeNewsApi, sampleArticle, startFakeNewsApi } from '../../../harness/local-aws/fake-newsapi';

jest.setTimeout(120_000);

describe('fake NewsAPI (mock of newsapi.org)', () => {
  let api: FakeNewsApi;
  beforeAll(async () => {
    api = await startFakeNewsApi({ apiKey: 'secret-key', articles: [sampleArticle(1), sampleArticle(2), { title: 'malformed' }] });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('serves NewsAPI-shaped JSON to a request with the right X-Api-Key', async () => {
    const response = await fetch(`${api.baseUrl}/everything?q=technology`, { headers: { 'X-Api-Key': 'secret-key' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; totalResults: number; articles: Record<string, unknown>[] };
    expect(body.status).toBe('ok');
    expect(body.totalResults).toBe(3);
    expect(body.articles[0]).toEqual(
      expect.objectContaining({ source: { id: 'fake-wire', name: 'Fake Wire (test mock)' }, url: 'https://news.example.test/story/1' }),
    );
    expect(Object.keys(body.articles[1]).sort()).toEqual(
      ['author', 'content', 'description', 'publishedAt', 'source', 'title', 'url', 'urlToImage'],
    );
    const headlines = await fetch(`${api.baseUrl}/top-headlines?pageSize=1&apiKey=secret-key`);
    expect(((await headlines.json()) as { articles: unknown[] }).articles).toHaveLength(1);
  });

  it('refuses a missing or wrong key with NewsAPI error codes, and counts requests', async () => {
    const before = api.requests.length;
    const missing = await fetch(`${api.baseUrl}/everything`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual(expect.objectContaining({ status: 'error', code: 'apiKeyMissing' }));
    const wrong = await fetch(`${api.baseUrl}/everything`, { headers: { 'X-Api-Key': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(expect.objectContaining({ code: 'apiKeyInvalid' }));
    expect(api.requests.length).toBe(before + 2);
    expect(api.servedCount).toBe(2);
    expect((await fetch(`${api.baseUrl}/nowhere`, { headers: { 'X-Api-Key': 'secret-key' } })).status).toBe(404);
  });
});
