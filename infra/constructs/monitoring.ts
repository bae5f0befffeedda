import { Duration, Stack } from 'aws-cdk-lib';
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
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type MetricName, MetricNames } from '../../shared/runtime/metrics.js';
import type { AlertTopic } from './alert-topic.js';
import type { DeadLetterQueue } from './dead-letter-queue.js';
import { type LifecycleFunction, METRICS_NAMESPACE, SERVICE_NAME } from './lifecycle-function.js';
import type { WorkQueue } from './work-queue.js';

export interface MonitoringProps {
  readonly alerts: AlertTopic;
  readonly functions: readonly LifecycleFunction[];
  readonly workQueue: WorkQueue;
  readonly deadLetterQueues: readonly DeadLetterQueue[];
  /** The worker, whose throttles the dashboard shows. */
  readonly worker: LifecycleFunction;
}

/** An EMF metric the functions publish (shared/runtime/metrics.ts), summed. */
const emf = (metricName: MetricName, period?: Duration) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    ...(period ? { period } : {}),
  });

/** The guard metrics: any count above zero needs a person (docs/deployment.md, runbooks). */
const GUARD_ALARMS: readonly { id: string; metric: MetricName; description: string }[] = [
  {
    id: 'ReconcileBlockedAlarm',
    metric: MetricNames.reconcileBlocked,
    description: 'The revocation guard held back revocations. Runbook: docs/deployment.md#reconcile-blocked',
  },
  {
    id: 'RulesRejectedAlarm',
    metric: MetricNames.rulesRejected,
    description:
      'A rules document was rejected; the last valid rules stay in force. Runbook: docs/deployment.md#rules-rejected',
  },
  {
    id: 'EventsRefusedAlarm',
    metric: MetricNames.eventsRefused,
    description:
      'The intake refused an event from an account its kind cannot come from. Runbook: docs/deployment.md#events-refused',
  },
];

/**
 * Every alarm of the main stack on the alert topic (ALARM and OK), and one dashboard with the
 * alarms, the queues, the functions and the guard metrics.
 */
export class Monitoring extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const guards = GUARD_ALARMS.map(
      ({ id: alarmId, metric, description }) =>
        new CloudWatchAlarm(this, alarmId, {
          alarmDescription: description,
          metric: emf(metric, Duration.minutes(5)),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    );
    this.alarms = [
      ...props.deadLetterQueues.map((queue) => queue.depthAlarm),
      ...props.functions.map((fn) => fn.errorsAlarm),
      ...guards,
      props.workQueue.ageAlarm,
    ];
    props.alerts.notify(...this.alarms);
    this.#dashboard(props);
  }

  #dashboard(props: MonitoringProps): void {
    const { functions, workQueue } = props;
    new Dashboard(this, 'Dashboard', {
      dashboardName: `idc-lifecycle-${Stack.of(this).region}`,
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24 })],
        [
          new GraphWidget({
            title: 'Work queue',
            left: [workQueue.metricApproximateNumberOfMessagesVisible(), workQueue.metricNumberOfMessagesSent()],
            right: [workQueue.metricApproximateAgeOfOldestMessage()],
            width: 12,
          }),
          new GraphWidget({
            title: 'Dead-letter queues',
            left: props.deadLetterQueues.map((queue) =>
              (queue.queue as IQueue).metricApproximateNumberOfMessagesVisible(),
            ),
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
          new GraphWidget({ title: 'Guards', left: GUARD_ALARMS.map(({ metric }) => emf(metric)), width: 12 }),
          new GraphWidget({ title: 'Worker throttles', left: [props.worker.function.metricThrottles()], width: 12 }),
        ],
      ],
    });
  }
}
