/**
 * The events each catalog function receives in AWS, in the shapes AWS documents, for the boot
 * check of `npm run verify` (every one must succeed). Literal examples, not generated: a change
 * to the shape is a change here, visible in review.
 */
import { TestEvent } from '../model/function-spec';

/**
 * What an EventBridge schedule rule (`rate(15 minutes)`) delivers to its Lambda target.
 * Shape: https://docs.aws.amazon.com/eventbridge/latest/userguide/event-reference.html#event-detail-scheduled-event
 * (and https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html).
 */
export const SCHEDULED_EVENT: TestEvent = {
  name: 'EventBridge scheduled event',
  documentation: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/event-reference.html#event-detail-scheduled-event',
  event: {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2026-11-22T16:53:06Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/local-sentiment-ingestion-schedule'],
    detail: {},
  },
};

/**
 * What SNS delivers to a subscribed Lambda function: one record per message. The message is the
 * one ingestion publishes (`{"source_id": ...}`); against verify's empty local table the item is
 * reported `not_found`, which the handler answers with success (SNS must not retry it forever).
 * Shape: https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html (example SNS message event).
 */
export const SNS_NOTIFICATION_EVENT: TestEvent = {
  name: 'SNS notification',
  documentation: 'https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html',
  event: {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:local-sentiment-topic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: '2026-11-22T16:53:07.000Z',
          Signature: 'tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          Message: JSON.stringify({ source_id: 'boot-check-0000000000000000' }),
          MessageAttributes: {},
          Type: 'Notification',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&amp;SubscriptionArn=arn:aws:sns:us-east-1:123456789012:test-lambda:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:local-sentiment-topic',
          Subject: null,
        },
      },
    ],
  },
};

/**
 * A browser's `GET /health` through a Function URL, in payload format 2.0.
 * Shape: https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
export const FUNCTION_URL_HEALTH_EVENT: TestEvent = {
  name: 'Function URL GET /health (payload 2.0)',
  documentation: 'https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads',
  event: {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/health',
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      host: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-east-1.on.aws',
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-62ecd163-5f302e550dcde3b12402207d',
      'x-forwarded-for': '198.51.100.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6',
      domainName: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-east-1.on.aws',
      domainPrefix: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6',
      http: { method: 'GET', path: '/health', protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'curl/8.5.0' },
      requestId: 'c3e0a3f4-6b7e-4c52-9d7a-3f1f2a0b9e11',
      routeKey: '$default',
      stage: '$default',
      time: '22/Nov/2026:16:53:08 +0000',
      timeEpoch: 1795366388000,
    },
    isBase64Encoded: false,
  },
  expectStatus: 200,
};
