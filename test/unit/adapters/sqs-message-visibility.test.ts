import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { isThrottlingError, isTransientError } from '../../../shared/adapters/aws-errors.js';
import { queueUrlOf, SqsMessageVisibility } from '../../../shared/adapters/sqs-message-visibility.js';

const named = (name: string, cause?: unknown): Error => Object.assign(new Error(name, { cause }), { name });

describe('queueUrlOf', () => {
  it.each([
    ['arn:aws:sqs:eu-west-1:111111111111:work.fifo', 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo'],
    [
      'arn:aws-cn:sqs:cn-north-1:111111111111:events.fifo',
      'https://sqs.cn-north-1.amazonaws.com.cn/111111111111/events.fifo',
    ],
  ])('turns %s into %s', (arn, url) => {
    expect(queueUrlOf(arn)).toBe(url);
  });

  it('refuses an ARN of another service', () => {
    expect(() => queueUrlOf('arn:aws:sns:eu-west-1:111111111111:topic')).toThrow('Not an SQS queue ARN');
  });
});

describe('SqsMessageVisibility', () => {
  it('sets the visibility of the received message on its own queue', async () => {
    // Prepare
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).resolves({});

    // Act
    await new SqsMessageVisibility(sqs as unknown as SQSClient).retryAfter(
      { eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:work.fifo', receiptHandle: 'rh-1' },
      7,
    );

    // Assess
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo',
        ReceiptHandle: 'rh-1',
        VisibilityTimeout: 7,
      },
    ]);
  });
});

describe('isThrottlingError', () => {
  it.each([
    ['a ThrottlingException', named('ThrottlingException'), true],
    ['a TooManyRequestsException', named('TooManyRequestsException'), true],
    ['an error caused by a throttle', named('RetriesExhaustedError', named('ThrottlingException')), true],
    ['an aggregate of throttles', new AggregateError([named('ThrottlingException'), named('Throttling')]), true],
    [
      'an aggregate with one other failure',
      new AggregateError([named('ThrottlingException'), named('AccessDeniedException')]),
      false,
    ],
    ['an empty aggregate', new AggregateError([]), false],
    ['a conflict', named('ConflictException'), false],
    ['not an object', 'ThrottlingException', false],
  ])('says %s is %s', (_, error, expected) => {
    expect(isThrottlingError(error)).toBe(expected);
  });
});

describe('isTransientError', () => {
  const network = (code: string): Error => Object.assign(new Error('socket hang up'), { code });
  it.each([
    ['a throttle', named('ThrottlingException'), true],
    ['a reset connection (socket hang up)', network('ECONNRESET'), true],
    ['a connection refused', network('ECONNREFUSED'), true],
    ["the SDK's request timeout", named('TimeoutError'), true],
    ['a create whose connection dropped, inside a reconcile failure', named('ReconcileError', network('EPIPE')), true],
    [
      'an aggregate of a throttle and a dropped connection',
      new AggregateError([named('Throttling'), network('ETIMEDOUT')]),
      true,
    ],
    [
      'an aggregate with one other failure',
      new AggregateError([network('ECONNRESET'), named('AccessDeniedException')]),
      false,
    ],
    ['an access denial', named('AccessDeniedException'), false],
    ['a file that is missing', network('ENOENT'), false],
  ])('says %s is %s', (_, error, expected) => {
    expect(isTransientError(error)).toBe(expected);
  });
});
