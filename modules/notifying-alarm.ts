/**
 * The alarm policy every construct here uses: fire as soon as the metric reaches the threshold
 * within one period (one import error, one failed event, one throttle is news), treat missing data
 * as fine (an idle function is a healthy one), and notify the alarm actions (the alert topic).
 * One place, so every alarm the stacks deploy behaves the same way.
 */
import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

export interface NotifyingAlarmProps {
  readonly alarmName: string;
  /** What happened and what to do, as the notification shows it. */
  readonly alarmDescription: string;
  readonly namespace: string;
  readonly metricName: string;
  /** @default none (a metric without dimensions) */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly statistic: 'Sum' | 'Maximum';
  /** @default 300 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly threshold?: number;
  /** SNS topic ARNs notified when the alarm fires. */
  readonly alarmActions: readonly string[];
  /** Notify the same actions when it recovers. @default false */
  readonly notifyOnRecovery?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** Refuses alarms that would notify nobody, saying whose and what is lost (`consequence`). */
export function requireAlarmActions(owner: string, alarmActions: readonly string[], consequence: string): void {
  if (alarmActions.length === 0) throw new Error(`${owner}: alarmActions is empty; ${consequence}`);
}

export function notifyingAlarm(scope: Construct, id: string, props: NotifyingAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    namespace: props.namespace,
    metricName: props.metricName,
    dimensions: props.dimensions ? { ...props.dimensions } : undefined,
    statistic: props.statistic,
    period: props.periodSeconds ?? 300,
    evaluationPeriods: 1,
    threshold: props.threshold ?? 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [...props.alarmActions],
    okActions: props.notifyOnRecovery ? [...props.alarmActions] : undefined,
    tags: { ...props.tags },
    dependsOn: props.dependsOn,
  });
}
