/**
 * A function's on-failure destination on the local AWS server: an SQS queue (moto) that receives,
 * for each asynchronous event that failed all its attempts, the invocation record Lambda sends
 * to destinations (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * request context with `condition: RetriesExhausted`, the event, and the function's error.
 */
import { FailedAsyncEvent, OnFailureDestination } from '../emulator/async-invocation-queue';
import { sendQueueMessage } from './seed-local-aws';

export interface SqsOnFailureDestinationProps {
  /** The local AWS endpoint (`MotoServer.endpoint`). */
  readonly endpoint: string;
  readonly queueUrl: string;
  /** ARN of the function, as Lambda writes it in the record. */
  readonly functionArn: string;
}

export function sqsOnFailureDestination(props: SqsOnFailureDestinationProps): OnFailureDestination {
  const queueName = props.queueUrl.split('/').pop() ?? props.queueUrl;
  return {
    description: `SQS queue ${queueName}`,
    send: async (failed) => {
      await sendQueueMessage(props.endpoint, props.queueUrl, JSON.stringify(invocationRecord(failed, props.functionArn)));
    },
  };
}

/** The record Lambda sends to an on-failure destination. */
export function invocationRecord(failed: FailedAsyncEvent, functionArn: string): Record<string, unknown> {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: failed.requestId,
      functionArn: `${functionArn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: failed.attempts,
    },
    requestPayload: parseOrText(failed.payload.toString('utf8')),
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorMessage: failed.errorMessage, errorType: failed.errorType },
  };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
