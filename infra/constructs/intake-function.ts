import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LifecycleFunction } from './lifecycle-function.js';

export interface IntakeFunctionProps {
  readonly workQueue: IQueue;
  readonly failureQueue: IQueue;
  readonly logRetention: RetentionDays;
  /** Only to tell rules changes apart from other events: the intake never reads the rules. */
  readonly rulesPath: string;
  /** The accounts each kind of event must come from (functions/intake/handler.ts). */
  readonly managementAccountId: string;
  readonly automationAccountId: string;
  /** The worker's execution role: CloudTrail records of its own writes are ignored, never reconciled again. */
  readonly workerRole: IRole;
}

/**
 * The intake: maps each event to the scopes it names and enqueues them. Its role can send to the
 * work queue and nothing else: no rules, no directory, no Identity Center.
 */
export class IntakeFunction extends LifecycleFunction {
  constructor(scope: Construct, id: string, props: IntakeFunctionProps) {
    super(scope, id, {
      entry: 'functions/intake/index.ts',
      description:
        'idc-lifecycle intake: maps Organizations, Control Tower, tag, identity and assignment events to work items',
      failureQueue: props.failureQueue,
      logRetention: props.logRetention,
      environment: {
        WORK_QUEUE_URL: props.workQueue.queueUrl,
        RULES_PATH: props.rulesPath,
        MANAGEMENT_ACCOUNT_ID: props.managementAccountId,
        AUTOMATION_ACCOUNT_ID: props.automationAccountId,
        WORKER_ROLE_ARN: props.workerRole.roleArn,
      },
    });
    props.workQueue.grantSendMessages(this.function);
  }
}
