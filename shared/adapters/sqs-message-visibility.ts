import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** What of an SQS record a visibility change needs. */
export interface ReceivedMessage {
  readonly eventSourceARN: string;
  readonly receiptHandle: string;
}

/**
 * The queue URL of an SQS queue ARN (`arn:<partition>:sqs:<region>:<account>:<name>`), in the
 * Region's own domain (`amazonaws.com.cn` in China).
 *
 * @example
 * queueUrlOf('arn:aws:sqs:eu-west-1:111111111111:work.fifo'); // https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo
 */
export const queueUrlOf = (arn: string): string => {
  const [, , service, region, account, name] = arn.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new Error(`Not an SQS queue ARN: ${arn}`);
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/**
 * Shortens the wait of a received message that the worker reports as failed: SQS delivers it
 * again `seconds` from now instead of at the end of the queue's visibility timeout.
 *
 * @example
 * await new SqsMessageVisibility(clients.sqs).retryAfter(record, 5);
 */
export class SqsMessageVisibility {
  constructor(private readonly client: Pick<SQSClient, 'send'>) {}

  async retryAfter(message: ReceivedMessage, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(message.eventSourceARN),
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }
}
