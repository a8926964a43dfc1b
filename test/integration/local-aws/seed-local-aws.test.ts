/**
 * Seeding the real moto server with the names the stacks declare, twice.
 */
import { resourceNames } from '../../../model/resources';
import { motoServerForBlock } from './moto-fixture';
import { putItems, scanItems, seedLocalAws } from '../../../harness/local-aws/seed-local-aws';
import { runLocalAws } from '../../../harness/local-aws/local-aws-cli';
import { uploadModel } from '../../../harness/local-aws/upload-model';

jest.setTimeout(120_000);

describe('seedLocalAws (real moto server)', () => {
  const moto = motoServerForBlock();

  it('creates table, topic, bucket and secrets under the local names, and is idempotent', async () => {
    const names = resourceNames('local');
    const first = await seedLocalAws({ endpoint: moto.endpoint, dashboardApiKey: 'dash-1', newsApiKey: 'news-1' });
    expect(first.tableName).toBe(names.tableName);
    expect(first.topicArn).toBe(`arn:aws:sns:us-east-1:123456789012:${names.topicName}`);
    expect(first.modelBucket).toBe(names.modelBucket);
    expect(first.secretArns['dashboard-api-key']).toContain(names.secretNames['dashboard-api-key']);

    await putItems(moto.endpoint, first.tableName, [{ source_id: 'keep-me', title: 'still here' }]);
    const second = await seedLocalAws({ endpoint: moto.endpoint, dashboardApiKey: 'dash-2', newsApiKey: 'news-1' });
    expect(second.topicArn).toBe(first.topicArn);
    expect(second.secretArns).toEqual(first.secretArns);
    // Re-seeding keeps data and updates secret values.
    expect(await scanItems(moto.endpoint, second.tableName)).toEqual([{ source_id: 'keep-me', title: 'still here' }]);
    const bucket = await runLocalAws<{ exists: boolean }>(moto.endpoint, 'object-exists', { bucket: names.modelBucket, key: 'nothing' });
    expect(bucket.exists).toBe(false);
  });

  it('fails with the endpoint named when no server answers there', async () => {
    await expect(
      seedLocalAws({ endpoint: 'http://127.0.0.1:9', dashboardApiKey: 'x', newsApiKey: 'y' }),
    ).rejects.toThrow(/'seed' against http:\/\/127\.0\.0\.1:9 failed/);
  });
});

describe('uploadModel (real moto server, tiny model made by scripts/model/make_tiny_model.py)', () => {
  const moto = motoServerForBlock();

  it('puts the tiny model archive at the seeds key layout in the local model bucket', async () => {
    const names = resourceNames('local');
    await seedLocalAws({ endpoint: moto.endpoint, dashboardApiKey: 'd', newsApiKey: 'n' });
    const uploaded = await uploadModel({ endpoint: moto.endpoint });
    expect(uploaded.s3Uri).toBe(`s3://${names.modelBucket}/distilbert/v1.0.0/model.tar.gz`);
    const head = await runLocalAws<{ exists: boolean; bytes: number }>(moto.endpoint, 'object-exists', {
      bucket: names.modelBucket,
      key: names.modelKey,
    });
    expect(head).toEqual({ exists: true, bytes: uploaded.bytes });
    expect(uploaded.bytes).toBeGreaterThan(10_000);
  });
});
