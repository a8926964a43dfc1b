/**
 * Where an asynchronously invoked function's events go when every retry failed (Lambda retries
 * twice, then drops the event unless a dead-letter queue or on-failure destination is set:
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), with an alarm
 * as soon as one message waits there.
 */
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { notifyingAlarm, requireAlarmActions } from './notifying-alarm';

export interface DeadLetterQueueProps {
  /** `preprod-sentiment-analysis-dlq` */
  readonly queueName: string;
  /** SNS topic ARNs notified when a message is dead-lettered. At least one. */
  readonly alarmActions: readonly string[];
  /** How long a failed event is kept for inspection and replay. @default 14 days (SQS's maximum) */
  readonly retentionSeconds?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    requireAlarmActions(`Dead-letter queue '${props.queueName}'`, props.alarmActions, 'a dead letter nobody hears about is a lost event.');
    const retention = props.retentionSeconds ?? 14 * 24 * 3600;
    if (!Number.isInteger(retention) || retention < 60 || retention > 1209600) {
      throw new Error(`Dead-letter queue '${props.queueName}': retentionSeconds must be 60 to 1209600 (SQS's range), got ${retention}.`);
    }
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      messageRetentionSeconds: retention,
      sqsManagedSseEnabled: true,
      tags: { ...props.tags },
    });
    this.alarm = notifyingAlarm(this, 'dead-letters-alarm', {
      alarmName: `${props.queueName}-messages`,
      alarmDescription: `Events in ${props.queueName}: an asynchronous invocation failed every retry. Inspect the message, fix the cause, replay it.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.queue.name },
      statistic: 'Maximum',
      alarmActions: props.alarmActions,
      tags: props.tags,
    });
  }

  get arn(): string {
    return this.queue.arn;
  }
}
