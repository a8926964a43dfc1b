/**
 * A function's dead-letter queue on the local AWS server: the SQS queue (moto) that receives each
 * asynchronous event that failed all its attempts, as the stacks' `dead_letter_config` makes
 * Lambda send it (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * the event itself as the body, and the attributes RequestID, ErrorCode (the HTTP status of the
 * invoke, 200 for a function error) and ErrorMessage (its first 1 KB).
 */
import { OnFailureDestination } from '../emulator/async-invocation-queue';
import { sendQueueMessage } from './seed-local-aws';

export interface SqsDeadLetterQueueProps {
  /** The local AWS endpoint (`MotoServer.endpoint`). */
  readonly endpoint: string;
  readonly queueUrl: string;
}

export function sqsDeadLetterQueue(props: SqsDeadLetterQueueProps): OnFailureDestination {
  const queueName = props.queueUrl.split('/').pop() ?? props.queueUrl;
  return {
    description: `SQS queue ${queueName}`,
    send: async (failed) => {
      await sendQueueMessage(props.endpoint, props.queueUrl, failed.payload.toString('utf8'), {
        RequestID: failed.requestId,
        ErrorCode: '200',
        ErrorMessage: Buffer.from(failed.errorMessage, 'utf8').subarray(0, 1024).toString('utf8').replace(/\uFFFD$/, '') || failed.errorType,
      });
    },
  };
}
