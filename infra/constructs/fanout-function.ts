import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  assignmentRead,
  combine,
  type IdentityCenterRefs,
  identityStoreFanoutRead,
  organizationsTreeRead,
  rulesRead,
} from '../permissions.js';
import { type EnvironmentRate, requestRateEnvironment } from '../request-share.js';
import type { AlertTopic } from './alert-topic.js';
import { LifecycleFunction } from './lifecycle-function.js';
import type { RunStore } from './run-store.js';

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
  /** Where runs are kept. */
  readonly runs: RunStore;
  /** `report` plans and tells, and queues nothing. */
  readonly mode: 'enforce' | 'report';
}

/**
 * The fan-out: plans organization-wide runs (rules changes, the sweep) from one read of the
 * organization and starts approval runs (docs/design.md §1.3). It reads the rules, the
 * organization tree, the directory and every account's assignments, keeps runs in the run table
 * and enqueues work only for scopes with changes; it writes nothing in Identity Center.
 */
export class FanoutFunction extends LifecycleFunction {
  constructor(scope: Construct, id: string, props: FanoutFunctionProps) {
    super(scope, id, {
      entry: 'functions/fanout/index.ts',
      description:
        'idc-lifecycle fan-out: plans organization-wide runs from one read of the organization, and approvals',
      failureQueue: props.failureQueue,
      logRetention: props.logRetention,
      // A run reads in chunks until two minutes are left, then hands the rest to a continuation
      // item; the whole organization (10,000 accounts) is held in memory to plan.
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: {
        WORK_QUEUE_URL: props.workQueue.queueUrl,
        RUN_TABLE_NAME: props.runs.table.tableName,
        MODE: props.mode,
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
        // One read of every account's assignments in every provisioned permission set per run.
        assignmentRead(props.identityCenter),
      ),
    );
    props.runs.grantRunAccess(this.function);
  }
}
