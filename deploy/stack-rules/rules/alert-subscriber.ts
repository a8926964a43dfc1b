/**
 * Alarms that notify a topic nobody subscribes to reach nobody either. A warning, not a failure:
 * the subscriber comes from configuration (SENTIMENT_ALERT_ENDPOINT), which a rehearsal may lack.
 */
import { subjectRule } from '../subject-rule';
import { Addressed, StackView, asList, referencedAddress } from '../types';

/** The SNS topics alarms notify, by address. */
function alertTopics(stack: StackView): Addressed[] {
  const addresses = new Set(
    stack
      .resources('aws_cloudwatch_metric_alarm')
      .flatMap((alarm) => asList(alarm.block.alarm_actions))
      .map((action) => referencedAddress(action))
      .filter((address): address is string => !!address && address.startsWith('aws_sns_topic.')),
  );
  return [...addresses].map((address) => ({ address, block: {} }));
}

export const alertSubscriberRule = subjectRule({
  id: 'alert-subscriber',
  description: 'The topics alarms notify have a subscriber',
  protectsAgainst: 'an alert topic that receives every alarm and forwards it to nobody',
  subjects: alertTopics,
  problem: (topic, stack) =>
    stack.resources('aws_sns_topic_subscription').some((s) => referencedAddress(String(s.block.topic_arn)) === topic.address) ? undefined : 'no aws_sns_topic_subscription',
  passed: (count) => (count === 0 ? 'no alarm topic in this stack' : `${count} alert topic(s) with a subscriber`),
  failed: (lonely) => `${lonely} alert topic(s) have no subscriber: alarms will fire unseen`,
  fix: 'Set SENTIMENT_ALERT_ENDPOINT (or SENTIMENT_ALERT_ENDPOINT_<ENV>) to an e-mail address or https URL, then synthesize again.',
  severity: 'warn',
});
