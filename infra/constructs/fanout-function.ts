import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  combine,
  type IdentityCenterRefs,
  identityStoreFanoutRead,
  organizationsTreeRead,
  rulesRead,
} from '../permissions.js';
import { type EnvironmentRate, requestRateEnvironment } from '../request-share.js';
import type { AlertTopic } from './alert-topic.js';
import { LifecycleFunction } from './lifecycle-function.js';

export interface FanoutFunctionProps {
  readonly workQueue: IQueue;
  readonly failureQueue: IQueue;
  readonly eventBus: IEventBus;
  readonly alerts: AlertTopic;
  readonly logRetention: RetentionDays;
  readonly rulesPath: string;
  readonly identityCenter: IdentityCenterRefs;
  readonly homeRegion: string;
  readonly managementAccountId: string;
  /** The fan-out's part of the Identity Center request share (infra/request-share.ts). */
  readonly requestRate: EnvironmentRate;
}

/**
 * The fan-out: validates the rules and enqueues one work item per account, and per user whose
 * memberships would change. It reads the rules, walks the organization tree and reads the members
 * of the groups the membership rules name; it writes nothing in Identity Center.
 */
export class FanoutFunction extends LifecycleFunction {
  constructor(scope: Construct, id: string, props: FanoutFunctionProps) {
    super(scope, id, {
      entry: 'functions/fanout/index.ts',
      description: 'idc-lifecycle fan-out: validates the rules and enqueues one work item per account and user',
      failureQueue: props.failureQueue,
      logRetention: props.logRetention,
      timeout: Duration.minutes(5),
      memorySize: 512,
      environment: {
        WORK_QUEUE_URL: props.workQueue.queueUrl,
        RULES_PATH: props.rulesPath,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        SUMMARY_TOPIC_ARN: props.alerts.topic.topicArn,
        MANAGEMENT_ACCOUNT_ID: props.managementAccountId,
        INSTANCE_ARN: props.identityCenter.instanceArn,
        IDENTITY_STORE_ID: props.identityCenter.identityStoreId,
        IDC_REGION: props.homeRegion,
        ...requestRateEnvironment(props.requestRate),
      },
    });
    props.workQueue.grantSendMessages(this.function);
    props.eventBus.grantPutEventsTo(this.function);
    props.alerts.grantPublish(this.role);
    this.allow(
      combine(
        rulesRead(this, props.rulesPath),
        organizationsTreeRead(props.managementAccountId),
        identityStoreFanoutRead(props.identityCenter),
      ),
    );
  }
}
