import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

export interface AlertTopicProps {
  /** Shown as the sender of the notifications. */
  readonly displayName: string;
  /**
   * Subscribed to the topic; AWS sends a confirmation message that must be accepted.
   * @default - no subscription: subscribe a chat, ticket or e-mail endpoint yourself
   */
  readonly email?: string;
}

/**
 * An SNS topic encrypted with its own customer managed KMS key (rotated yearly), TLS only, that
 * CloudWatch alarms may publish to.
 */
export class AlertTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  readonly #action: SnsAction;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the ${props.displayName} topic`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
    });
    // Alarms publish as the CloudWatch service, which needs the key to encrypt the message.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.#action = new SnsAction(this.topic);
    if (props.email) {
      const undelivered = new DeadLetterQueue(this, 'UndeliveredDeadLetterQueue', {
        purpose: `Notifications SNS could not deliver to ${props.email}`,
        runbook: 'undelivered-notifications',
      });
      this.topic.addSubscription(new EmailSubscription(props.email, { deadLetterQueue: undelivered.queue }));
      this.notify(undelivered.depthAlarm);
    }
  }

  /** Lets a function's role publish to the topic, and so use the topic's key for each message. */
  grantPublish(role: IRole): void {
    this.topic.grantPublish(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Added by topic.grantPublish for the topic key: SNS needs a fresh data key per message; the statement is scoped to that one key.',
    });
  }

  /** Sends the alarm's ALARM and OK transitions to the topic. */
  notify(...alarms: Alarm[]): void {
    for (const alarm of alarms) {
      alarm.addAlarmAction(this.#action);
      alarm.addOkAction(this.#action);
    }
  }
}
