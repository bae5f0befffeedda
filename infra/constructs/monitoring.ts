import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  Alarm as CloudWatchAlarm,
  ComparisonOperator,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
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
}

/** An EMF metric the functions publish (shared/runtime/metrics.ts), summed. */
export const emf = (metricName: MetricName, period?: Duration) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    ...(period ? { period } : {}),
  });

/** The guard metrics: any count above zero needs a person (docs/deployment.md, runbooks). */
export const GUARD_ALARMS: readonly { id: string; metric: MetricName; description: string }[] = [
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

/** Every alarm of the main stack, on the alert topic (ALARM and OK). */
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
  }
}
