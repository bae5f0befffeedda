import { Stack } from 'aws-cdk-lib';
import { type Alarm, AlarmStatusWidget, Dashboard, GraphWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { DeadLetterQueue } from './dead-letter-queue.js';
import type { LifecycleFunction } from './lifecycle-function.js';
import { emf, GUARD_ALARMS } from './monitoring.js';
import type { WorkQueue } from './work-queue.js';

export interface LifecycleDashboardProps {
  readonly alarms: readonly Alarm[];
  readonly functions: readonly LifecycleFunction[];
  /** The worker, whose throttles get a widget of their own. */
  readonly worker: LifecycleFunction;
  readonly workQueue: WorkQueue;
  readonly deadLetterQueues: readonly DeadLetterQueue[];
}

/**
 * The `idc-lifecycle-<Region>` dashboard: the alarms, the queues, the functions and the guard
 * metrics. Its name is fixed for the runbooks, so keep its construct id: a new logical id would
 * make CloudFormation create the same name again and then delete it with the old resource.
 */
export class LifecycleDashboard extends Dashboard {
  constructor(scope: Construct, id: string, props: LifecycleDashboardProps) {
    super(scope, id, { dashboardName: `idc-lifecycle-${Stack.of(scope).region}` });
    const { functions, workQueue } = props;
    this.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24 }));
    this.addWidgets(
      new GraphWidget({
        title: 'Work queue',
        left: [workQueue.metricApproximateNumberOfMessagesVisible(), workQueue.metricNumberOfMessagesSent()],
        right: [workQueue.metricApproximateAgeOfOldestMessage()],
        width: 12,
      }),
      new GraphWidget({
        title: 'Dead-letter queues',
        left: props.deadLetterQueues.map((queue) => queue.queue.metricApproximateNumberOfMessagesVisible()),
        width: 12,
      }),
    );
    this.addWidgets(
      new GraphWidget({ title: 'Invocations', left: functions.map((fn) => fn.function.metricInvocations()), width: 8 }),
      new GraphWidget({ title: 'Errors', left: functions.map((fn) => fn.function.metricErrors()), width: 8 }),
      new GraphWidget({
        title: 'Duration p95',
        left: functions.map((fn) => fn.function.metricDuration({ statistic: 'p95' })),
        width: 8,
      }),
    );
    this.addWidgets(
      new GraphWidget({ title: 'Guards', left: GUARD_ALARMS.map(({ metric }) => emf(metric)), width: 12 }),
      new GraphWidget({ title: 'Worker throttles', left: [props.worker.function.metricThrottles()], width: 12 }),
    );
  }
}
