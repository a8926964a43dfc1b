/**
 * The function's log group, created before the function so retention applies from the first
 * line, with an alarm on `Runtime.ImportModuleError`: the error every broken deploy in the seeds
 * produced (missing fastapi, wrong-platform pydantic_core) and nobody noticed until a 502.
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { notifyingAlarm } from './notifying-alarm';

export interface FunctionLogGroupProps {
  /** The Lambda function's name; the group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  /** @default 30 */
  readonly retentionDays?: number;
  /** CloudWatch namespace of the import-error metric. @default 'SentimentAnalyzer' */
  readonly metricNamespace?: string;
  /** ARNs notified when the alarm fires (SNS topics). @default [] */
  readonly alarmActions?: readonly string[];
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Values CloudWatch Logs accepts for retention. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
export const IMPORT_ERROR_PATTERN = '"Runtime.ImportModuleError"';

export class FunctionLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly metricFilter: CloudwatchLogMetricFilter;
  readonly importErrorAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: FunctionLogGroupProps) {
    super(scope, id);
    const retention = props.retentionDays ?? 30;
    if (!LOG_RETENTION_DAYS.includes(retention)) {
      throw new Error(
        `Log group of '${props.functionName}': retentionDays ${retention} is not a value CloudWatch accepts; use one of ${LOG_RETENTION_DAYS.join(', ')}.`,
      );
    }
    const namespace = props.metricNamespace ?? 'SentimentAnalyzer';
    const metricName = `${props.functionName}-ImportModuleError`;

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: retention,
      tags: { ...props.tags },
    });
    this.metricFilter = new CloudwatchLogMetricFilter(this, 'import-error-filter', {
      name: `${props.functionName}-import-module-error`,
      logGroupName: this.logGroup.name,
      pattern: IMPORT_ERROR_PATTERN,
      metricTransformation: { name: metricName, namespace, value: '1', defaultValue: '0' },
    });
    this.importErrorAlarm = notifyingAlarm(this, 'import-error-alarm', {
      alarmName: `${props.functionName}-import-module-error`,
      alarmDescription: `${props.functionName} failed to import its handler's modules (Runtime.ImportModuleError): the deployed artifact is missing a dependency or carries one built for another platform.`,
      namespace,
      metricName,
      statistic: 'Sum',
      periodSeconds: 60,
      alarmActions: props.alarmActions ?? [],
      tags: props.tags,
      dependsOn: [this.metricFilter],
    });
  }
}
