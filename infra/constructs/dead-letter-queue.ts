import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What ends up in this queue, for the alarm description and the runbook. */
  readonly purpose: string;
  /** The runbook section of docs/deployment.md for this queue. */
  readonly runbook: string;
  /**
   * A FIFO queue, required as the dead-letter queue of a FIFO queue.
   * @default - a standard queue, as EventBridge, Scheduler and Lambda destinations require
   */
  readonly fifo?: boolean;
}

/**
 * A dead-letter queue with the house defaults: encrypted with SQS-managed keys (EventBridge and
 * Scheduler cannot write to a queue under an AWS managed KMS key), TLS only, 14 days of retention,
 * and an alarm as soon as one message is in it (docs/design.md §4.6: nothing is lost silently).
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly depthAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      fifo: props.fifo,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (${props.purpose}); cdk-nag cannot see EventBridge, Scheduler or Lambda destination wiring.`,
    });
    Validations.of(this.queue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'A dead-letter queue is the end of the line: its messages are inspected and redriven by an operator.',
    });
    this.depthAlarm = new Alarm(this, 'DepthAlarm', {
      alarmDescription: `${props.purpose}: at least one message is waiting. Runbook: docs/deployment.md#${props.runbook}`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
