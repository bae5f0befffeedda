import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeadLetterQueue } from './dead-letter-queue.js';

export interface WorkQueueProps {
  /** The FIFO queue a scope is parked in after `maxReceiveCount` receives. */
  readonly deadLetterQueue: DeadLetterQueue;
  readonly maxReceiveCount: number;
  /** How long a received work item stays invisible: longer than every retry of its batch can take. */
  readonly visibilityTimeout: Duration;
}

/**
 * The FIFO work queue: one message per scope, grouped by the scope key so two reconciles of the
 * same scope never run at once, with an alarm when a work item waits for over an hour.
 */
export class WorkQueue extends Queue {
  readonly ageAlarm: Alarm;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id, {
      fifo: true,
      // The producers set deduplication ids from the scope and event id.
      contentBasedDeduplication: false,
      visibilityTimeout: props.visibilityTimeout,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: props.deadLetterQueue.queue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.ageAlarm = new Alarm(this, 'AgeAlarm', {
      alarmDescription:
        'A work item has waited over an hour: the worker is stuck or throttled. Runbook: docs/deployment.md#work-queue-age',
      metric: this.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 3600,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
