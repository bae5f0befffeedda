import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { combine, organizationsTreeRead, rulesRead } from '../permissions.js';
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
  readonly homeRegion: string;
  readonly managementAccountId: string;
  /** Where runs are kept. */
  readonly runs: RunStore;
  /** `report` plans and tells, and queues nothing. */
  readonly mode: 'enforce' | 'report';
}

/**
 * The fan-out: starts organization-wide runs (rules changes, the sweep) and approval runs
 * (docs/design.md §1.3). It reads the rules and the organization tree, keeps runs in the run
 * table and enqueues a run's read parts, which the worker reads; it neither reads nor writes
 * Identity Center, so it has no Identity Center permission and no part of the request share.
 */
export class FanoutFunction extends LifecycleFunction {
  constructor(scope: Construct, id: string, props: FanoutFunctionProps) {
    super(scope, id, {
      entry: 'functions/fanout/index.ts',
      description: 'idc-lifecycle fan-out: starts organization-wide runs and approvals',
      failureQueue: props.failureQueue,
      logRetention: props.logRetention,
      // Listing 10,000 accounts takes some 500 pages of ListAccounts and a walk of the tree, at
      // Organizations' own rate; the accounts parts read the tags, and the worker that completes
      // the run's read plans it.
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
        IDC_REGION: props.homeRegion,
      },
    });
    props.workQueue.grantSendMessages(this.function);
    props.eventBus.grantPutEventsTo(this.function);
    props.alerts.grantPublish(this.role);
    this.allow(combine(rulesRead(this, props.rulesPath), organizationsTreeRead(props.managementAccountId)));
    props.runs.grantRunAccess(this.function);
  }
}
