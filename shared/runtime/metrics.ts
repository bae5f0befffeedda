import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ReconcileOutcome } from '../domain/reconcile/outcome.js';

/** Namespace of every metric, and what the stack's alarms and dashboard read. */
export const METRICS_NAMESPACE = 'idc-lifecycle';

/** The metric names the functions publish (EMF) and the alarms use. */
export const MetricNames = {
  assignmentsCreated: 'AssignmentsCreated',
  assignmentsDeleted: 'AssignmentsDeleted',
  membershipsAdded: 'MembershipsAdded',
  membershipsRemoved: 'MembershipsRemoved',
  reconcileBlocked: 'ReconcileBlocked',
  rulesRejected: 'RulesRejected',
  reconcileFailures: 'ReconcileFailures',
  reconcileDuration: 'ReconcileDuration',
  eventsRefused: 'EventsRefused',
} as const;
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];
export type MetricUnitName = 'Count' | 'Milliseconds';

/** The slice of Powertools Metrics that handlers use, so that tests can pass a recording one. */
export interface MetricsRecorder {
  addMetric(name: MetricName, unit: MetricUnitName, value: number): void;
}

/** The one Metrics instance; `logMetrics` in the middleware stack flushes it after each invocation. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'idc-lifecycle' });

/** Counts what one reconcile changed or held back. */
export const recordOutcome = (recorder: MetricsRecorder, outcome: ReconcileOutcome): void => {
  recorder.addMetric(MetricNames.assignmentsCreated, 'Count', outcome.applied.assignmentsCreated);
  recorder.addMetric(MetricNames.assignmentsDeleted, 'Count', outcome.applied.assignmentsDeleted);
  recorder.addMetric(MetricNames.membershipsAdded, 'Count', outcome.applied.membershipsAdded);
  recorder.addMetric(MetricNames.membershipsRemoved, 'Count', outcome.applied.membershipsRemoved);
  if (outcome.plan.blocked.length > 0) recorder.addMetric(MetricNames.reconcileBlocked, 'Count', 1);
  // Every reconcile under rejected rules counts, so that the alarm stays raised between sweeps
  // for as long as the rules are invalid, not only when the fan-out announces it.
  if (outcome.rulesRejected) recorder.addMetric(MetricNames.rulesRejected, 'Count', outcome.rulesRejected);
};
