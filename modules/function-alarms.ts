/**
 * Alarms on the metrics Lambda publishes for every function (namespace AWS/Lambda, dimension
 * FunctionName): Errors (the handler raised or timed out) and Throttles (invokes refused because the
 * reserved concurrency was reached). Both notify the environment's alert topic.
 * Metrics: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { notifyingAlarm, requireAlarmActions } from './notifying-alarm';

export interface FunctionAlarmsProps {
  /** The deployed function's name (a Terraform reference keeps the dependency). */
  readonly functionName: string;
  /** SNS topic ARNs notified when an alarm fires (and when it recovers). At least one. */
  readonly alarmActions: readonly string[];
  /** Errors within 5 minutes that raise the alarm. @default 1 */
  readonly errorThreshold?: number;
  /** Throttled invokes within 5 minutes that raise the alarm. @default 1 */
  readonly throttleThreshold?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

export class FunctionAlarms extends Construct {
  readonly errors: CloudwatchMetricAlarm;
  readonly throttles: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    requireAlarmActions(`Alarms of '${props.functionName}'`, props.alarmActions, "an alarm nobody receives protects nothing. Pass the alert topic's ARN.");
    const alarm = (metricName: 'Errors' | 'Throttles', threshold: number, description: string) =>
      notifyingAlarm(this, metricName.toLowerCase(), {
        alarmName: `${props.functionName}-${metricName.toLowerCase()}`,
        alarmDescription: description,
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: { FunctionName: props.functionName },
        statistic: 'Sum',
        threshold,
        alarmActions: props.alarmActions,
        notifyOnRecovery: true,
        tags: props.tags,
      });
    this.errors = alarm('Errors', props.errorThreshold ?? 1, `${props.functionName} returned errors (unhandled exceptions or timeouts).`);
    this.throttles = alarm(
      'Throttles',
      props.throttleThreshold ?? 1,
      `${props.functionName} was throttled: its reserved concurrency was reached and invokes were refused (or queued for retry).`,
    );
  }
}
