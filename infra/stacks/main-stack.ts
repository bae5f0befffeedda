import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { automationIsManagement, type DeployConfig } from '../config/deploy-config.js';
import { AlertTopic } from '../constructs/alert-topic.js';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.js';
import { EventRoutes } from '../constructs/event-routes.js';
import { FanoutFunction } from '../constructs/fanout-function.js';
import { IdentityCenterInstance } from '../constructs/identity-center-instance.js';
import { IntakeFunction } from '../constructs/intake-function.js';
import { LifecycleBus } from '../constructs/lifecycle-bus.js';
import { LifecycleDashboard } from '../constructs/lifecycle-dashboard.js';
import { Monitoring } from '../constructs/monitoring.js';
import { RuleWindowSchedule } from '../constructs/rule-window-schedule.js';
import { RulesPublisherPolicy } from '../constructs/rules-publisher-policy.js';
import { RulesSeed } from '../constructs/rules-seed.js';
import { RunStore } from '../constructs/run-store.js';
import { SweepSchedule } from '../constructs/sweep-schedule.js';
import { WorkQueue } from '../constructs/work-queue.js';
import { WORKER_MAX_CONCURRENCY, WORKER_TIMEOUT, WorkerFunction } from '../constructs/worker-function.js';
import { EVENT_LANE_MAX_CONCURRENCY, splitRequestShare } from '../request-share.js';
import type { RulesSeedDocument } from '../rules-seed.js';
import type { ForwardedSource } from '../topology.js';

export { EVENT_BUS_NAME } from '../constructs/lifecycle-bus.js';
export {
  IDC_OUTSTANDING_CREATES_QUOTA,
  WORKER_BATCH_SIZE,
  WORKER_MAX_CONCURRENCY,
  WORKER_ROLE_NAME,
  WORKER_TIMEOUT,
} from '../constructs/worker-function.js';

/** SQS needs the message invisible for longer than every retry of the batch could take. */
export const WORK_QUEUE_VISIBILITY = Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6);
/** Receives before a scope is parked in the work DLQ: transient throttles heal well before that. */
export const WORK_MAX_RECEIVE_COUNT = 5;

export interface IdcLifecycleStackProps extends StackProps {
  readonly config: DeployConfig;
  /**
   * The rules documents that seed an empty rules path on first deployment.
   * @default - none: the rules path is left for `idc-lifecycle publish`
   */
  readonly rulesSeed?: readonly RulesSeedDocument[];
  /** Sources delivered to this account and Region, matched on its default bus. */
  readonly localSources: readonly ForwardedSource[];
  /** Sources forwarded from the management account onto the custom bus. */
  readonly forwardedSources: readonly ForwardedSource[];
  /**
   * The forwarder stacks' roles, the only principals that may put events on the custom bus.
   * @default - none: nothing is forwarded, the bus has no resource policy
   */
  readonly forwarderRoleArns?: readonly string[];
  /**
   * The management account's narrow read role for ListAccountAssignmentsForPrincipal.
   * @default - none: the worker runs in the management account and calls the API itself
   */
  readonly principalReadRoleArn?: string;
}

/**
 * The automation in the Identity Center home Region, as a list of constructs that each own their
 * resources, permissions and cdk-nag acknowledgements: custom bus, intake, fan-out, FIFO work
 * queue and worker, event routes, sweep schedule, rules seed, notifications, alarms and dashboard.
 */
export class IdcLifecycleStack extends Stack {
  readonly eventBus: LifecycleBus;
  readonly workQueue: WorkQueue;
  /** The event lane (docs/design.md §8): the intake's items, which wait behind no organization-wide run. */
  readonly eventQueue: WorkQueue;
  readonly intake: IntakeFunction;
  readonly fanout: FanoutFunction;
  readonly worker: WorkerFunction;
  readonly runs: RunStore;
  readonly alerts: AlertTopic;
  readonly rulesSeed?: RulesSeed;
  /** The policy to attach to whoever publishes rules (docs/deployment.md §5.1). */
  readonly rulesPublisherPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: IdcLifecycleStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays;
    const rulesPath = config.rulesPath;
    const identityCenter = new IdentityCenterInstance(this, 'IdentityCenter', {
      managementAccountId: config.managementAccountId,
      configured:
        config.instanceArn && config.identityStoreId
          ? { instanceArn: config.instanceArn, identityStoreId: config.identityStoreId }
          : undefined,
    }).refs;

    this.alerts = new AlertTopic(this, 'Notifications', {
      displayName: 'idc-lifecycle summaries and alarms',
      email: config.notificationEmail,
    });

    // Dead-letter queues: every failure ends retried or parked here, with an alarm (docs/design.md §4.6).
    const workDlq = new DeadLetterQueue(this, 'WorkDeadLetterQueue', {
      purpose: 'Scopes the worker failed to reconcile after every retry',
      runbook: 'work-dlq',
      fifo: true,
    });
    const deliveryDlq = new DeadLetterQueue(this, 'DeliveryDeadLetterQueue', {
      purpose: 'Events that EventBridge or Scheduler could not deliver to a function',
      runbook: 'delivery-dlq',
    });
    const invocationDlq = new DeadLetterQueue(this, 'InvocationFailureQueue', {
      purpose: 'Asynchronous invocations that failed after Lambda retried them',
      runbook: 'invocation-failures',
    });

    this.workQueue = new WorkQueue(this, 'WorkQueue', {
      deadLetterQueue: workDlq,
      maxReceiveCount: WORK_MAX_RECEIVE_COUNT,
      visibilityTimeout: WORK_QUEUE_VISIBILITY,
    });
    this.eventQueue = new WorkQueue(this, 'EventLane', {
      deadLetterQueue: workDlq,
      maxReceiveCount: WORK_MAX_RECEIVE_COUNT,
      visibilityTimeout: WORK_QUEUE_VISIBILITY,
    });
    const requestShare = splitRequestShare(config.identityCenterRequestShare, {
      workers: WORKER_MAX_CONCURRENCY,
      eventWorkers: EVENT_LANE_MAX_CONCURRENCY,
    });
    this.eventBus = new LifecycleBus(this, 'EventBus', {
      managementAccountId: config.managementAccountId,
      forwarderRoleArns: props.forwarderRoleArns,
    });

    const common = { failureQueue: invocationDlq.queue, logRetention, rulesPath };
    this.runs = new RunStore(this, 'Runs', { eventBus: this.eventBus });
    const shared = {
      ...common,
      runs: this.runs,
      workQueue: this.workQueue,
      eventBus: this.eventBus,
      alerts: this.alerts,
      identityCenter,
      homeRegion: config.homeRegion,
      managementAccountId: config.managementAccountId,
    };
    this.fanout = new FanoutFunction(this, 'Fanout', { ...shared, mode: config.mode });
    this.worker = new WorkerFunction(this, 'Worker', {
      ...shared,
      eventQueue: this.eventQueue,
      requestShare,
      mode: config.mode,
      guardrails: config.guardrails,
      fixedRoleName: !automationIsManagement(config),
      principalReadRoleArn: props.principalReadRoleArn,
    });
    this.intake = new IntakeFunction(this, 'Intake', {
      ...common,
      workQueue: this.eventQueue,
      managementAccountId: config.managementAccountId,
      automationAccountId: config.automationAccountId,
      workerRole: this.worker.role,
    });

    new EventRoutes(this, 'Routes', {
      intake: this.intake.function,
      fanout: this.fanout.function,
      eventBus: this.eventBus,
      deadLetterQueue: deliveryDlq.queue,
      localSources: props.localSources,
      forwardedSources: props.forwardedSources,
      managementAccountId: config.managementAccountId,
      automationAccountId: config.automationAccountId,
      rulesPath,
    });
    this.runs.routeApprovals({
      fanout: this.fanout.function,
      deadLetterQueue: deliveryDlq.queue,
      accountId: config.automationAccountId,
    });
    new SweepSchedule(this, 'Sweep', {
      fanout: this.fanout.function,
      expression: config.sweepSchedule,
      deadLetterQueue: deliveryDlq.queue,
    });
    new RuleWindowSchedule(this, 'RuleWindows', { fanout: this.fanout.function, deadLetterQueue: deliveryDlq.queue });
    this.rulesPublisherPolicy = new RulesPublisherPolicy(this, 'RulesPublisher', { rulesPath }).policy;
    if (props.rulesSeed && props.rulesSeed.length > 0) {
      this.rulesSeed = new RulesSeed(this, 'RulesSeed', { ...common, documents: props.rulesSeed });
    }

    const queues = { workDlq, deliveryDlq, invocationDlq };
    const functions = [this.intake, this.fanout, this.worker, ...(this.rulesSeed ? [this.rulesSeed.function] : [])];
    const monitored = { functions, workQueue: this.workQueue, deadLetterQueues: Object.values(queues) };
    const { alarms } = new Monitoring(this, 'Monitoring', { ...monitored, alerts: this.alerts });
    // An event's item waiting an hour is as much a stuck worker as a work item's.
    this.alerts.notify(this.eventQueue.ageAlarm);
    new LifecycleDashboard(this, 'Dashboard', { ...monitored, alarms, worker: this.worker });
    this.#outputs(queues);
  }

  /** Names the runbooks in docs/deployment.md refer to. */
  #outputs(queues: Record<'workDlq' | 'deliveryDlq' | 'invocationDlq', DeadLetterQueue>): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('EventBusArn', this.eventBus.eventBusArn, 'The idc-lifecycle custom event bus');
    output('NotificationTopicArn', this.alerts.topic.topicArn, 'Summaries and alarms');
    output('WorkQueueUrl', this.workQueue.queueUrl, 'FIFO work queue (one message per scope)');
    output('WorkDeadLetterQueueArn', queues.workDlq.queue.queueArn, 'Redrive with aws sqs start-message-move-task');
    output('WorkDeadLetterQueueUrl', queues.workDlq.queue.queueUrl, 'Scopes that failed every retry');
    output(
      'DeliveryDeadLetterQueueUrl',
      queues.deliveryDlq.queue.queueUrl,
      'Events EventBridge/Scheduler could not deliver',
    );
    output('InvocationFailureQueueUrl', queues.invocationDlq.queue.queueUrl, 'Failed asynchronous invocations');
    output('IntakeFunctionName', this.intake.function.functionName, 'Intake function');
    output('FanoutFunctionName', this.fanout.function.functionName, 'Fan-out function (invoke it to run a sweep)');
    output('WorkerFunctionName', this.worker.function.functionName, 'Worker function');
    output('RunTableName', this.runs.table.tableName, 'Runs, their held changes and approvals (idc-lifecycle runs)');
    output(
      'ApproverPolicyArn',
      this.runs.approverPolicy.managedPolicyArn,
      'Attach to whoever may approve blocked runs (idc-lifecycle approve)',
    );
    output(
      'RulesPublisherPolicyArn',
      this.rulesPublisherPolicy.managedPolicyArn,
      'Attach to the role that publishes rules, and to no one else',
    );
  }
}
