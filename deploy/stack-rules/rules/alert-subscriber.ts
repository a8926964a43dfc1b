/**
 * Alarms that notify a topic nobody subscribes to reach nobody either. A warning, not a failure:
 * the subscriber comes from configuration (SENTIMENT_ALERT_ENDPOINT), which a rehearsal may lack.
 */
import { pass, warn } from '../../../harness/inspect/verdict';
import { StackRule, asList, referencedAddress } from '../types';

export const alertSubscriberRule: StackRule = {
  id: 'alert-subscriber',
  description: 'The topics alarms notify have a subscriber',
  protectsAgainst: 'an alert topic that receives every alarm and forwards it to nobody',
  check(stack) {
    const topics = new Set(
      stack
        .resources('aws_cloudwatch_metric_alarm')
        .flatMap((alarm) => asList(alarm.block.alarm_actions))
        .map((action) => referencedAddress(action))
        .filter((address): address is string => !!address && address.startsWith('aws_sns_topic.')),
    );
    const subscribed = new Set(stack.resources('aws_sns_topic_subscription').map((s) => referencedAddress(String(s.block.topic_arn))));
    const lonely = [...topics].filter((topic) => !subscribed.has(topic));
    if (lonely.length === 0) return pass(this.id, topics.size === 0 ? 'no alarm topic in this stack' : `${topics.size} alert topic(s) with a subscriber`);
    return warn(
      this.id,
      `${lonely.length} alert topic(s) have no subscriber: alarms will fire unseen`,
      lonely.map((topic) => ({ file: topic, detail: 'no aws_sns_topic_subscription' })),
      'Set SENTIMENT_ALERT_ENDPOINT (or SENTIMENT_ALERT_ENDPOINT_<ENV>) to an e-mail address or https URL, then synthesize again.',
    );
  },
};
