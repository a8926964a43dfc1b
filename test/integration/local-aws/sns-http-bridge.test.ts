/**
 * moto server (server mode) POSTs SNS notifications to an HTTP subscription: the bridge turns
 * them into Lambda SNS events.
 */
import { motoServerForBlock } from './moto-fixture';
import { publishToTopic, seedLocalAws } from '../../../harness/local-aws/seed-local-aws';
import { SnsLambdaEvent, startSnsHttpBridge } from '../../../harness/local-aws/sns-http-bridge';

jest.setTimeout(120_000);

describe('SNS HTTP bridge (real moto server)', () => {
  const moto = motoServerForBlock();

  it('receives a published message and hands over a Lambda SNS event', async () => {
    const seeded = await seedLocalAws({ endpoint: moto.endpoint, dashboardApiKey: 'd', newsApiKey: 'n' });
    const events: SnsLambdaEvent[] = [];
    const bridge = await startSnsHttpBridge({
      endpoint: moto.endpoint,
      topicArn: seeded.topicArn,
      onEvent: async (event) => {
        events.push(event);
        if (JSON.parse(event.Records[0].Sns.Message).source_id === 'boom') throw new Error('function failed');
      },
    });
    try {
      const messageId = await publishToTopic(moto.endpoint, seeded.topicArn, JSON.stringify({ source_id: 'abc' }));
      await publishToTopic(moto.endpoint, seeded.topicArn, JSON.stringify({ source_id: 'boom' }));
      await bridge.idle();
      expect(events).toHaveLength(2);
      const record = events[0].Records[0];
      expect(record.EventSource).toBe('aws:sns');
      expect(record.EventVersion).toBe('1.0');
      expect(record.EventSubscriptionArn).toBe(bridge.subscriptionArn);
      expect(record.Sns.MessageId).toBe(messageId);
      expect(record.Sns.TopicArn).toBe(seeded.topicArn);
      expect(JSON.parse(record.Sns.Message)).toEqual({ source_id: 'abc' });
      expect(bridge.deliveries.map((d) => d.ok).sort()).toEqual([false, true]);
      expect(bridge.deliveries.find((d) => !d.ok)?.error).toBe('function failed');
    } finally {
      await bridge.stop();
    }
    // Unsubscribed: a later publish reaches nobody.
    await publishToTopic(moto.endpoint, seeded.topicArn, JSON.stringify({ source_id: 'late' }));
    expect(events).toHaveLength(2);
  });
});
