/**
 * An alarm with an empty `alarm_actions` list changes state in the console and tells nobody;
 * checkov's "actions enabled" check passes on it. Every alarm must notify something.
 */
import { fail, pass } from '../../../harness/inspect/verdict';
import { StackRule, asList } from '../types';

export const alarmActionsRule: StackRule = {
  id: 'alarm-actions',
  description: 'Every CloudWatch alarm has at least one alarm action, and actions are enabled',
  protectsAgainst: 'alarms (import errors, errors, throttles, dead letters) that fire and reach nobody',
  check(stack) {
    const alarms = stack.resources('aws_cloudwatch_metric_alarm');
    const silent = alarms.filter((alarm) => asList(alarm.block.alarm_actions).length === 0 || alarm.block.actions_enabled === false);
    if (silent.length === 0) return pass(this.id, `${alarms.length} alarm(s), each with an action`);
    return fail(
      this.id,
      `${silent.length} of ${alarms.length} alarm(s) notify nobody`,
      silent.map((alarm) => ({
        file: alarm.address,
        detail: alarm.block.actions_enabled === false ? 'actions_enabled = false' : `alarm '${String(alarm.block.alarm_name)}' has no alarm_actions`,
      })),
      "Set alarm_actions to the environment's alert topic ARN (SentimentStack passes it to every alarm).",
    );
  },
};
