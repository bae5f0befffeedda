import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Alarm as CloudWatchAlarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { CfnEventBusPolicy, EventBus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { schedulerSweepInput } from '../../shared/events/schedule.js';
import { automationIsManagement, type DeployConfig } from '../config/deploy-config.js';
import { AlertTopic } from '../constructs/alert-topic.js';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.js';
import { LifecycleFunction, METRICS_NAMESPACE, SERVICE_NAME } from '../constructs/lifecycle-function.js';
import { rulesChangedPattern, SOURCE_PATTERNS, toCdkEventPattern } from '../event-patterns.js';
import {
  assignmentReadStatements,
  assignmentWriteStatements,
  assumePrincipalReadRoleStatements,
  type IdentityCenterRefs,
  identityStoreReadStatements,
  instanceDiscoveryStatements,
  membershipWriteStatements,
  organizationsReadStatements,
  principalAssignmentReadStatements,
  rulesReadStatements,
  ssoArns,
} from '../permissions.js';
import type { RulesSeedDocument } from '../rules-seed.js';
import type { ForwardedSource } from '../topology.js';
import { TARGET_RETRY } from './forwarder-stack.js';

/** The custom bus: forwarded events come in, the worker's outcome events go out. */
export const EVENT_BUS_NAME = 'idc-lifecycle';
/** Fixed so that the management account's read role can trust it by ARN before it exists. */
export const WORKER_ROLE_NAME = 'idc-lifecycle-worker';

/** Worker timeout: one batch of scopes, each with its async create/delete polling, fits comfortably. */
export const WORKER_TIMEOUT = Duration.minutes(10);
/** SQS needs the message invisible for longer than every retry of the batch could take. */
export const WORK_QUEUE_VISIBILITY = Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6);
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
/** Receives before a scope is parked in the work DLQ: transient throttles heal well before that. */
export const WORK_MAX_RECEIVE_COUNT = 5;

export interface IdcLifecycleStackProps extends StackProps {
  readonly config: DeployConfig;
  /** The rules documents that seed the rules path on first deployment. */
  readonly rulesSeed: readonly RulesSeedDocument[];
  /** Sources delivered to this account and Region, matched on its default bus. */
  readonly localSources: readonly ForwardedSource[];
  /** Sources forwarded from the management account onto the custom bus. */
  readonly forwardedSources: readonly ForwardedSource[];
  /**
   * The management account's narrow read role for ListAccountAssignmentsForPrincipal.
   * @default - none: the worker runs in the management account and calls the API itself
   */
  readonly principalReadRoleArn?: string;
}

/**
 * The automation: custom bus, intake, fan-out, FIFO work queue and worker, rules parameters,
 * sweep schedule, notifications, alarms and dashboard, in the Identity Center home Region.
 */
export class IdcLifecycleStack extends Stack {
  readonly eventBus: EventBus;
  readonly workQueue: Queue;
  readonly intake: LifecycleFunction;
  readonly fanout: LifecycleFunction;
  readonly worker: LifecycleFunction;
  readonly alerts: AlertTopic;

  constructor(scope: Construct, id: string, props: IdcLifecycleStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays;
    const refs = this.#identityCenter(config);

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

    this.workQueue = new Queue(this, 'WorkQueue', {
      fifo: true,
      // The producers set deduplication ids from the scope and event id.
      contentBasedDeduplication: false,
      visibilityTimeout: WORK_QUEUE_VISIBILITY,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: workDlq.queue, maxReceiveCount: WORK_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: EVENT_BUS_NAME });
    // Only the management account may put events on the bus: that is where the forwarders run.
    new CfnEventBusPolicy(this, 'EventBusPolicy', {
      eventBusName: this.eventBus.eventBusName,
      statementId: 'ManagementAccountForwardsEvents',
      statement: new PolicyStatement({
        principals: [new AccountPrincipal(config.managementAccountId)],
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
      }).toStatementJson(),
    });

    const rulesPath = config.rulesPath;
    const identityEnv = {
      INSTANCE_ARN: refs.instanceArn,
      IDENTITY_STORE_ID: refs.identityStoreId,
      IDC_REGION: config.homeRegion,
    };

    this.intake = new LifecycleFunction(this, 'Intake', {
      entry: 'functions/intake/index.ts',
      description: 'idc-lifecycle intake: maps Organizations, Control Tower, tag and identity events to work items',
      failureQueue: invocationDlq.queue,
      logRetention,
      environment: { WORK_QUEUE_URL: this.workQueue.queueUrl, RULES_PATH: rulesPath },
    });
    this.workQueue.grantSendMessages(this.intake.function);
    addStatements(this.intake.role, rulesReadStatements(this, rulesPath));

    this.fanout = new LifecycleFunction(this, 'Fanout', {
      entry: 'functions/fanout/index.ts',
      description: 'idc-lifecycle fan-out: validates the rules and enqueues one work item per account and user',
      failureQueue: invocationDlq.queue,
      logRetention,
      timeout: Duration.minutes(5),
      memorySize: 512,
      environment: {
        WORK_QUEUE_URL: this.workQueue.queueUrl,
        RULES_PATH: rulesPath,
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        SUMMARY_TOPIC_ARN: this.alerts.topic.topicArn,
        MANAGEMENT_ACCOUNT_ID: config.managementAccountId,
        ...identityEnv,
      },
    });
    this.workQueue.grantSendMessages(this.fanout.function);
    this.eventBus.grantPutEventsTo(this.fanout.function);
    this.alerts.topic.grantPublish(this.fanout.function);
    addStatements(this.fanout.role, [
      ...rulesReadStatements(this, rulesPath),
      // The fan-out walks the OU tree (ListRoots, ListOrganizationalUnitsForParent,
      // ListAccountsForParent) and reads group members for authoritative membership rules.
      ...organizationsReadStatements(config.managementAccountId),
      ...identityStoreReadStatements(refs),
    ]);

    const sameAccount = automationIsManagement(config);
    this.worker = new LifecycleFunction(this, 'Worker', {
      entry: 'functions/worker/index.ts',
      description: 'idc-lifecycle worker: reconciles one scope; the only role that writes assignments and memberships',
      failureQueue: invocationDlq.queue,
      logRetention,
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      roleName: sameAccount ? undefined : WORKER_ROLE_NAME,
      environment: {
        ...identityEnv,
        RULES_PATH: rulesPath,
        RULES_CACHE_SECONDS: '60',
        MAX_OUTSTANDING_CREATES: String(IDC_OUTSTANDING_CREATES_QUOTA / WORKER_MAX_CONCURRENCY),
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        SUMMARY_TOPIC_ARN: this.alerts.topic.topicArn,
        MANAGEMENT_ACCOUNT_ID: config.managementAccountId,
        MODE: config.mode,
        ...(props.principalReadRoleArn ? { PRINCIPAL_READ_ROLE_ARN: props.principalReadRoleArn } : {}),
      },
    });
    this.worker.function.addEventSource(
      new SqsEventSource(this.workQueue, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY,
      }),
    );
    this.eventBus.grantPutEventsTo(this.worker.function);
    this.alerts.topic.grantPublish(this.worker.function);
    addStatements(this.worker.role, [
      ...rulesReadStatements(this, rulesPath),
      ...organizationsReadStatements(config.managementAccountId),
      ...identityStoreReadStatements(refs),
      ...membershipWriteStatements(refs),
      ...assignmentReadStatements(refs),
      ...assignmentWriteStatements(refs),
      ...(props.principalReadRoleArn
        ? assumePrincipalReadRoleStatements(props.principalReadRoleArn)
        : principalAssignmentReadStatements(refs)),
    ]);

    // Event routing: every rule target retries for a day, then parks the event in the delivery DLQ.
    const toFunction = (fn: IFunction) => new LambdaTarget(fn, { deadLetterQueue: deliveryDlq.queue, ...TARGET_RETRY });
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    for (const source of props.localSources) this.#route(defaultBus, 'Local', source, toFunction(this.intake.function));
    for (const source of props.forwardedSources) {
      this.#route(this.eventBus, 'Forwarded', source, toFunction(this.intake.function), {
        account: [config.managementAccountId],
      });
    }
    new Rule(this, 'RulesChanged', {
      description: 'A rules document under the rules path changed: validate and reconcile everything',
      eventPattern: rulesChangedPattern(rulesPath),
      targets: [toFunction(this.fanout.function)],
    });
    const schedulerRole = new Role(this, 'SweepSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': this.account },
      }),
      description: 'Lets EventBridge Scheduler start the idc-lifecycle sweep, nothing else',
    });
    new Schedule(this, 'Sweep', {
      description: 'Full reconciliation sweep: repairs whatever an event missed',
      schedule: ScheduleExpression.expression(config.sweepSchedule),
      target: new LambdaInvoke(this.fanout.function, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject(schedulerSweepInput),
        deadLetterQueue: deliveryDlq.queue,
        ...TARGET_RETRY,
      }),
    });

    this.#seedRules(rulesPath, props.rulesSeed);
    const alarms = this.#alarms([workDlq, deliveryDlq, invocationDlq]);
    this.alerts.notify(...alarms);
    this.#dashboard(alarms, [workDlq, deliveryDlq, invocationDlq]);
    this.#outputs({ workDlq, deliveryDlq, invocationDlq });
    this.#acknowledgeNagFindings(config, refs);
    const fanoutLogicalId = this.getLogicalId(this.fanout.function.node.defaultChild as CfnFunction);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fanoutLogicalId}.Arn>:*]`,
      reason: 'Added by grantInvoke: the fan-out function and its versions, nothing else.',
    });
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
  }

  /** The instance from the configuration, or discovered at deploy time with ListInstances. */
  #identityCenter(config: DeployConfig): IdentityCenterRefs {
    if (config.instanceArn && config.identityStoreId) {
      return {
        instanceArn: config.instanceArn,
        identityStoreId: config.identityStoreId,
        managementAccountId: config.managementAccountId,
      };
    }
    const call = {
      service: 'SSOAdmin',
      action: 'listInstances',
      physicalResourceId: PhysicalResourceId.of('idc-lifecycle-instance'),
      outputPaths: ['Instances.0.InstanceArn', 'Instances.0.IdentityStoreId', 'Instances.0.OwnerAccountId'],
    };
    const discovery = new AwsCustomResource(this, 'InstanceDiscovery', {
      onCreate: call,
      onUpdate: call,
      policy: AwsCustomResourcePolicy.fromStatements(instanceDiscoveryStatements()),
      installLatestAwsSdk: false,
    });
    this.#acknowledgeDiscoveryProvider(discovery);
    return {
      instanceArn: discovery.getResponseField('Instances.0.InstanceArn'),
      identityStoreId: discovery.getResponseField('Instances.0.IdentityStoreId'),
      managementAccountId: discovery.getResponseField('Instances.0.OwnerAccountId'),
    };
  }

  /** The provider function is a CDK singleton whose settings this project does not control. */
  #acknowledgeDiscoveryProvider(discovery: AwsCustomResource): void {
    Validations.of(discovery).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'sso:ListInstances supports no resource type: "*" is required (infra/permissions.ts).',
    });
    const provider = this.node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!provider) throw new Error('the AwsCustomResource provider function was not found');
    const reasons: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The CDK-owned provider of AwsCustomResource uses the basic execution policy; it runs once per deployment to read the instance ARN.',
      'Serverless-LambdaDLQ':
        'Invoked synchronously by CloudFormation, which reports a failure as a failed deployment.',
      'Serverless-LambdaDefaultMemorySize': 'The CDK-owned provider runs one ListInstances call per deployment.',
      'Serverless-LambdaTracing':
        'The CDK-owned provider runs one ListInstances call per deployment; nothing to trace.',
    };
    for (const [id, reason] of Object.entries(reasons)) Validations.of(provider).acknowledge({ id, reason });
  }

  /** A resource string as cdk-nag prints it in a finding id (`<Ref>`, `<Id.Attr>`, other intrinsics as JSON). */
  #nagResourceId(value: string): string {
    const resolved: unknown = this.resolve(value);
    const part = (piece: unknown): string => {
      if (typeof piece === 'string') return piece;
      const object = piece as Record<string, unknown>;
      if ('Ref' in object) return `<${String(object.Ref)}>`;
      const getAtt = object['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
      return JSON.stringify(piece);
    };
    const join = (resolved as Record<string, unknown> | string)?.['Fn::Join' as never] as
      | [string, unknown[]]
      | undefined;
    return join ? join[1].map(part).join(join[0]) : part(resolved);
  }

  #route(
    bus: IEventBus,
    prefix: string,
    source: ForwardedSource,
    target: LambdaTarget,
    extra: Record<string, unknown> = {},
  ): void {
    const { id, description, raw } = SOURCE_PATTERNS[source];
    new Rule(this, `${prefix}${id}`, {
      description: `${description} to the intake function`,
      eventBus: bus,
      eventPattern: toCdkEventPattern(raw, extra),
      targets: [target],
    });
  }

  /** One parameter per seed document; later `idc-lifecycle publish` runs update the same names. */
  #seedRules(rulesPath: string, documents: readonly RulesSeedDocument[]): void {
    for (const document of documents) {
      const parameter = new StringParameter(this, `Rules-${document.name}`, {
        parameterName: `${rulesPath}${document.name}`,
        description: `idc-lifecycle rules document "${document.name}" (seeded by cdk deploy; publish with idc-lifecycle publish)`,
        stringValue: document.body,
        tier: document.tier === 'Advanced' ? ParameterTier.ADVANCED : ParameterTier.STANDARD,
      });
      // The rules are the team's policy and keep their version history: they outlive the stack.
      parameter.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
  }

  #alarms(queues: readonly DeadLetterQueue[]): Alarm[] {
    const emf = (metricName: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const onAny = (id: string, metricName: string, description: string) =>
      new CloudWatchAlarm(this, id, {
        alarmDescription: description,
        metric: emf(metricName),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const oldestWork = new CloudWatchAlarm(this, 'WorkQueueAgeAlarm', {
      alarmDescription:
        'A work item has waited over an hour: the worker is stuck or throttled. Runbook: docs/deployment.md#work-queue-age',
      metric: this.workQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 3600,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    return [
      ...queues.map((queue) => queue.depthAlarm),
      ...[this.intake, this.fanout, this.worker].map((fn) => fn.errorsAlarm),
      onAny(
        'ReconcileBlockedAlarm',
        'ReconcileBlocked',
        'The revocation guard held back revocations. Runbook: docs/deployment.md#reconcile-blocked',
      ),
      onAny(
        'RulesRejectedAlarm',
        'RulesRejected',
        'A rules document was rejected; the last valid rules stay in force. Runbook: docs/deployment.md#rules-rejected',
      ),
      oldestWork,
    ];
  }

  #dashboard(alarms: readonly Alarm[], queues: readonly DeadLetterQueue[]): void {
    const functions = [this.intake, this.fanout, this.worker];
    const emf = (metricName: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
      });
    new Dashboard(this, 'Dashboard', {
      dashboardName: `idc-lifecycle-${this.region}`,
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 24 })],
        [
          new GraphWidget({
            title: 'Work queue',
            left: [
              this.workQueue.metricApproximateNumberOfMessagesVisible(),
              this.workQueue.metricNumberOfMessagesSent(),
            ],
            right: [this.workQueue.metricApproximateAgeOfOldestMessage()],
            width: 12,
          }),
          new GraphWidget({
            title: 'Dead-letter queues',
            left: queues.map((queue) => queue.queue.metricApproximateNumberOfMessagesVisible()),
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Invocations',
            left: functions.map((fn) => fn.function.metricInvocations()),
            width: 8,
          }),
          new GraphWidget({ title: 'Errors', left: functions.map((fn) => fn.function.metricErrors()), width: 8 }),
          new GraphWidget({
            title: 'Duration p95',
            left: functions.map((fn) => fn.function.metricDuration({ statistic: 'p95' })),
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Guards',
            left: [emf('ReconcileBlocked'), emf('RulesRejected')],
            width: 12,
          }),
          new GraphWidget({
            title: 'Worker throttles',
            left: [this.worker.function.metricThrottles()],
            width: 12,
          }),
        ],
      ],
    });
  }

  /** Each acknowledgement names why the finding does not apply here. */
  #acknowledgeNagFindings(config: DeployConfig, refs: IdentityCenterRefs): void {
    for (const fn of [this.intake, this.fanout, this.worker]) {
      const ack = (id: string, reason: string) => Validations.of(fn).acknowledge({ id, reason });
      ack(
        'AwsSolutions-L1',
        'Node.js 22 is the runtime the project targets and measures (bundle target node22, docs/design.md §8); moving on is a one-line change in LifecycleFunction.',
      );
      ack(
        'Serverless-LambdaLatestVersion',
        'Node.js 22 is the runtime the project targets and measures (bundle target node22, docs/design.md §8).',
      );
      ack(
        'Serverless-LambdaDLQ',
        'Asynchronous failures go to an on-failure destination (the invocation failure queue), which records the error as well as the event; a function DLQ would duplicate it.',
      );
      ack(
        'AwsSolutions-IAM5[Resource::*]',
        'Only for actions that support no resource type: X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing), organizations:ListAccounts, ListRoots and DescribeOrganization (see infra/permissions.ts).',
      );
      ack(
        'Serverless-LambdaStarPermissions',
        'The only wildcards are resources of actions without resource-level permissions (X-Ray, organizations:List*), and identity store users/groups/memberships and Identity Center accounts/permission sets whose ids are data, not deploy-time constants; every statement is scoped to the instance or identity store ARN (infra/permissions.ts).',
      );
    }
    const ackRole = (fn: LifecycleFunction, id: string, reason: string) =>
      Validations.of(fn.role).acknowledge({ id, reason });
    const idsAreData =
      'Identity Store users, groups and memberships are addressed by ids that are data, not deploy-time constants; the same statement is scoped to the identity store ARN, which the service requires as well.';
    for (const fn of [this.fanout, this.worker]) {
      ackRole(fn, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:identitystore:::user/*]', idsAreData);
      ackRole(fn, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:identitystore:::group/*]', idsAreData);
      ackRole(
        fn,
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'Added by topic.grantPublish for the topic key: SNS needs a fresh data key per message; the statement is scoped to that one key.',
      );
    }
    for (const fn of [this.fanout, this.worker]) {
      ackRole(fn, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:identitystore:::membership/*]', idsAreData);
    }
    const orgReason =
      'Accounts, OUs and roots of the organization owned by the management account; the organization id is not known at synth time, the management account id scopes it.';
    for (const fn of [this.fanout, this.worker]) {
      for (const kind of ['account/o-*/*', 'ou/o-*/ou-*', 'root/o-*/r-*']) {
        ackRole(
          fn,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:organizations::${config.managementAccountId}:${kind}]`,
          orgReason,
        );
      }
    }
    ackRole(
      this.worker,
      `AwsSolutions-IAM5[Resource::${this.#nagResourceId(ssoArns(refs).permissionSets)}]`,
      'The managed permission sets are named by the rules and change without a deployment; the statement is scoped to the instance.',
    );
    Validations.of(this.worker).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event sources do not support on-failure destinations; the work queue redrive policy moves a scope to the work DLQ after 5 receives.',
    });
    ackRole(
      this.worker,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sso:::account/*]',
      'The accounts to assign are chosen by the rules at run time; the statement is also scoped to the instance and its permission sets.',
    );
    const rulesReason =
      'Every document under the rules path: documents are added and removed by publishing, without a deployment.';
    for (const fn of [this.intake, this.fanout, this.worker]) {
      ackRole(
        fn,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:${this.region}:${this.account}:parameter${config.rulesPath.replace(/\/+$/, '')}/*]`,
        rulesReason,
      );
    }
  }
}

const addStatements = (role: IRole, statements: readonly PolicyStatement[]): void => {
  for (const statement of statements) role.addToPrincipalPolicy(statement);
};
