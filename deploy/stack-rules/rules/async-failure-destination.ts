/**
 * Functions invoked asynchronously (EventBridge schedules, SNS, S3) get two retries; then Lambda
 * drops the event unless a dead-letter queue or an on-failure destination keeps it
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
import { subjectRule } from '../subject-rule';
import { Addressed, StackView, nested } from '../types';

const ASYNC_PRINCIPALS = ['events.amazonaws.com', 'sns.amazonaws.com', 's3.amazonaws.com'];

/** Functions something invokes asynchronously: schedule targets, SNS subscriptions, service permissions. */
export function asyncInvokedFunctions(stack: StackView): Map<string, { fn: Addressed; by: string }> {
  const found = new Map<string, { fn: Addressed; by: string }>();
  const add = (fn: Addressed | undefined, by: string) => {
    if (fn && !found.has(fn.address)) found.set(fn.address, { fn, by });
  };
  for (const target of stack.resources('aws_cloudwatch_event_target')) add(stack.functionOf(target.block.arn), target.address);
  for (const subscription of stack.resources('aws_sns_topic_subscription')) {
    if (subscription.block.protocol === 'lambda') add(stack.functionOf(subscription.block.endpoint), subscription.address);
  }
  for (const permission of stack.resources('aws_lambda_permission')) {
    if (ASYNC_PRINCIPALS.includes(String(permission.block.principal))) add(stack.functionOf(permission.block.function_name), permission.address);
  }
  return found;
}

/** Whether a failed event of this function is kept: a dead-letter queue, or an on-failure destination. */
function keepsFailedEvents(stack: StackView, fn: Addressed): boolean {
  if (nested(fn.block.dead_letter_config).some((dlq) => typeof dlq.target_arn === 'string' && dlq.target_arn !== '')) return true;
  return stack
    .resources('aws_lambda_function_event_invoke_config')
    .some(
      (config) =>
        stack.functionOf(config.block.function_name)?.address === fn.address &&
        nested(config.block.destination_config).some((destination) => nested(destination.on_failure).some((onFailure) => !!onFailure.destination)),
    );
}

export const asyncFailureDestinationRule = subjectRule({
  id: 'async-failure-destination',
  description: 'Asynchronously invoked functions have a dead-letter queue or an on-failure destination',
  protectsAgainst: 'scheduled or SNS events silently dropped after two failed retries, with nothing to replay',
  subjects: (stack) => [...asyncInvokedFunctions(stack).values()].map(({ fn, by }) => ({ ...fn, by })),
  problem: (fn, stack) => (keepsFailedEvents(stack, fn) ? undefined : `invoked asynchronously by ${fn.by}; no dead_letter_config and no on-failure destination`),
  passed: () => 'every asynchronously invoked function keeps its failed events',
  failed: (unprotected) => `${unprotected} asynchronously invoked function(s) drop events that fail every retry`,
  fix: 'Give the function dead_letter_config { target_arn = <SQS queue ARN> } (modules/dead-letter-queue.ts) or an aws_lambda_function_event_invoke_config with destination_config.on_failure, and let its role send to it.',
});
