/**
 * The environment's alert topic: every alarm notifies it. Its subscriber comes from configuration
 * (an e-mail address or an https endpoint), never from the code; without one, alarms still reach
 * the topic and the synth prints a warning.
 */
import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';

export interface AlertTopicProps {
  /** `preprod-sentiment-alerts` */
  readonly topicName: string;
  /** `ops@example.com` (protocol email) or `https://hooks.example.com/...` (protocol https). @default no subscriber */
  readonly endpoint?: string;
  /** Account allowed to publish (its CloudWatch alarms); part of the topic policy's condition. */
  readonly accountId: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

export type AlertProtocol = 'email' | 'https';

/** The SNS protocol an endpoint needs; throws with the fix for anything else. */
export function alertProtocol(endpoint: string): AlertProtocol {
  if (/^https:\/\/[^\s/]+(\/\S*)?$/.test(endpoint)) return 'https';
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(endpoint)) return 'email';
  throw new Error(
    `Alert endpoint '${endpoint}' is neither an e-mail address nor an https:// URL. Set SENTIMENT_ALERT_ENDPOINT (or SENTIMENT_ALERT_ENDPOINT_<ENV>) to e.g. 'ops@example.com' or 'https://hooks.example.com/alerts'.`,
  );
}

export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  /** @default undefined when no endpoint is configured */
  readonly subscription?: SnsTopicSubscription;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    // Not encrypted with the AWS-managed key alias/aws/sns: CloudWatch cannot publish to a topic under
    // it (its key policy cannot grant cloudwatch.amazonaws.com kms:GenerateDataKey*), and alarms would
    // go nowhere, silently (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html,
    // "compatibility with AWS services"). Alarm notifications carry alarm names and metric values only.
    this.topic = new SnsTopic(this, 'topic', { name: props.topicName, tags: { ...props.tags } });
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudWatchAlarmsOfThisAccountPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
        ],
      }),
    });
    if (props.endpoint) {
      this.subscription = new SnsTopicSubscription(this, 'subscription', {
        topicArn: this.topic.arn,
        protocol: alertProtocol(props.endpoint),
        endpoint: props.endpoint,
      });
    }
  }

  get arn(): string {
    return this.topic.arn;
  }
}
