import { Duration, Validations } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  assignmentRead,
  assignmentWrite,
  assumePrincipalReadRoleStatements,
  combine,
  type Guardrails,
  guardrailDenyStatements,
  type IdentityCenterRefs,
  identityStoreRead,
  membershipWrite,
  organizationsRead,
  permission,
  principalAssignmentReadStatements,
  rulesRead,
} from '../permissions.js';
import { EVENT_LANE_MAX_CONCURRENCY, type RequestShareSplit, workerRateEnvironment } from '../request-share.js';
import type { AlertTopic } from './alert-topic.js';
import { LifecycleFunction } from './lifecycle-function.js';
import type { RunStore } from './run-store.js';

/** Fixed so that the management account's read role can trust it by ARN before it exists. */
export const WORKER_ROLE_NAME = 'idc-lifecycle-worker';
/** Worker timeout: one batch of scopes, each with its async create/delete polling, fits comfortably. */
export const WORKER_TIMEOUT = Duration.minutes(10);
/**
 * Identity Center changes one permission-set role per account at a time, so one account's writes
 * run one after another: a worker environment holds at most one write in flight. Ten concurrent
 * environments therefore keep ten writes in flight, exactly the quota of 10 outstanding
 * CreateAccountAssignment calls (docs/design.md §5, §8), with each environment's own limiter capped at
 * 10 ÷ 10 = 1 outstanding create (MAX_OUTSTANDING_CREATES) for principal scopes that span accounts.
 * Measured in docs/benchmarks.md: two environments with batches of five kept only two accounts in
 * flight and ran the 1,200-operation anchor at several times Identity Center's floor.
 */
export const WORKER_MAX_CONCURRENCY = 10;
/** Identity Center's quota of outstanding CreateAccountAssignment calls, shared by the workers. */
export const IDC_OUTSTANDING_CREATES_QUOTA = 10;
/**
 * One scope per invocation: records of a batch run in order, so a larger batch would leave a
 * worker busy with a tail of scopes while others idle; a failed scope is reported alone.
 */
export const WORKER_BATCH_SIZE = 1;

export interface WorkerFunctionProps {
  readonly workQueue: IQueue;
  /** The event lane's queue (docs/design.md §8): the items the intake writes, read by a second mapping. */
  readonly eventQueue: IQueue;
  /** Each environment's part of the Identity Center request share (infra/request-share.ts). */
  readonly requestShare: RequestShareSplit;
  /** Where runs are kept: the worker reads the accepted rules version and totals, and continues reads. */
  readonly runs: RunStore;
  readonly failureQueue: IQueue;
  readonly eventBus: IEventBus;
  readonly alerts: AlertTopic;
  readonly logRetention: RetentionDays;
  readonly rulesPath: string;
  readonly identityCenter: IdentityCenterRefs;
  readonly homeRegion: string;
  readonly managementAccountId: string;
  readonly mode: 'enforce' | 'report';
  /** Writes the worker may never make, whatever the rules say: explicit Deny statements on its role. */
  readonly guardrails: Guardrails;
  /**
   * Give the role its fixed name, for the principal read role's trust policy in the management account.
   * @default false - a name CloudFormation generates
   */
  readonly fixedRoleName?: boolean;
  /**
   * The management account's narrow read role for ListAccountAssignmentsForPrincipal.
   * @default - none: the worker runs in the management account and calls the API itself
   */
  readonly principalReadRoleArn?: string;
}

/**
 * The worker: reconciles one scope per invocation from the FIFO work queue. Its role is the only
 * one that can create or delete account assignments and group memberships, within the guardrails.
 */
export class WorkerFunction extends LifecycleFunction {
  constructor(scope: Construct, id: string, props: WorkerFunctionProps) {
    super(scope, id, {
      entry: 'functions/worker/index.ts',
      description: 'idc-lifecycle worker: reconciles one scope; the only role that writes assignments and memberships',
      failureQueue: props.failureQueue,
      logRetention: props.logRetention,
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      roleName: props.fixedRoleName ? WORKER_ROLE_NAME : undefined,
      environment: {
        WORK_QUEUE_URL: props.workQueue.queueUrl,
        RUN_TABLE_NAME: props.runs.table.tableName,
        INSTANCE_ARN: props.identityCenter.instanceArn,
        IDENTITY_STORE_ID: props.identityCenter.identityStoreId,
        IDC_REGION: props.homeRegion,
        RULES_PATH: props.rulesPath,
        RULES_CACHE_SECONDS: '60',
        MAX_OUTSTANDING_CREATES: String(IDC_OUTSTANDING_CREATES_QUOTA / WORKER_MAX_CONCURRENCY),
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        SUMMARY_TOPIC_ARN: props.alerts.topic.topicArn,
        MANAGEMENT_ACCOUNT_ID: props.managementAccountId,
        MODE: props.mode,
        EVENT_QUEUE_ARN: props.eventQueue.queueArn,
        ...workerRateEnvironment(props.requestShare),
        ...(props.principalReadRoleArn ? { PRINCIPAL_READ_ROLE_ARN: props.principalReadRoleArn } : {}),
      },
    });
    this.function.addEventSource(
      new SqsEventSource(props.workQueue, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY,
      }),
    );
    // The event lane: an event's item waits behind none of an organization-wide run's.
    this.function.addEventSource(
      new SqsEventSource(props.eventQueue, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: EVENT_LANE_MAX_CONCURRENCY,
      }),
    );
    props.eventBus.grantPutEventsTo(this.function);
    props.alerts.grantPublish(this.role);
    // The continuation of an organization-wide read is queued by the worker that ran out of time.
    props.workQueue.grantSendMessages(this.function);
    props.runs.grantRunAccess(this.function);
    const refs = props.identityCenter;
    this.allow(
      combine(
        rulesRead(this, props.rulesPath),
        organizationsRead(props.managementAccountId),
        identityStoreRead(refs),
        membershipWrite(refs),
        assignmentRead(refs),
        assignmentWrite(refs),
        permission(
          props.principalReadRoleArn
            ? assumePrincipalReadRoleStatements(props.principalReadRoleArn)
            : principalAssignmentReadStatements(refs),
        ),
        // Explicit denies win over every allow above, whatever a rules document asks for.
        permission(guardrailDenyStatements(props.guardrails)),
      ),
    );
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event sources do not support on-failure destinations; the work queue redrive policy moves a scope to the work DLQ after 5 receives.',
    });
  }
}
