/**
 * An alarm with an empty `alarm_actions` list changes state in the console and tells nobody;
 * checkov's "actions enabled" check passes on it. Every alarm must notify something.
 */
import { subjectRule } from '../subject-rule';
import { asList } from '../types';

export const alarmActionsRule = subjectRule({
  id: 'alarm-actions',
  description: 'Every CloudWatch alarm has at least one alarm action, and actions are enabled',
  protectsAgainst: 'alarms (import errors, errors, throttles, dead letters) that fire and reach nobody',
  subjects: (stack) => stack.resources('aws_cloudwatch_metric_alarm'),
  problem: (alarm) => {
    if (alarm.block.actions_enabled === false) return 'actions_enabled = false';
    return asList(alarm.block.alarm_actions).length === 0 ? `alarm '${String(alarm.block.alarm_name)}' has no alarm_actions` : undefined;
  },
  passed: (count) => `${count} alarm(s), each with an action`,
  failed: (silent, total) => `${silent} of ${total} alarm(s) notify nobody`,
  fix: "Set alarm_actions to the environment's alert topic ARN (SentimentStack passes it to every alarm).",
});
