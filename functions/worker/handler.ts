// Triggered by: the SQS FIFO work queue (one message per scope, grouped by scope key).
// Changes: account assignments and group memberships in Identity Center; publishes lifecycle events.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { assertIsError } from '../../shared/domain/errors.js';
import type { ClockPort } from '../../shared/domain/ports.js';
import { parseWorkItem } from '../../shared/domain/reconcile/parse-work-item.js';
import { ReconcileError } from '../../shared/domain/reconcile/reconcile-error.js';
import { type ReconcileDeps, reconcileScope } from '../../shared/domain/reconcile/reconcile-scope.js';
import { scopeKey } from '../../shared/domain/scope.js';
import type { HandlerLogger } from '../../shared/runtime/logger.js';
import { MetricNames, type MetricsRecorder, recordOutcome } from '../../shared/runtime/metrics.js';

export interface WorkerDeps {
  /** Ports for one invocation: directory caches must not outlive it. */
  readonly reconcileDeps: () => ReconcileDeps;
  readonly modeOverride?: 'report';
  readonly clock: ClockPort;
  readonly logger: HandlerLogger;
  readonly metrics: MetricsRecorder;
}

/**
 * Records run in order. A failed record fails, with it, the later records of its message group
 * (FIFO order per scope), while other groups go on; every failure is reported in
 * `batchItemFailures` and retried by SQS, then sent to the DLQ.
 */
export const makeHandler = (deps: WorkerDeps) => async (event: SQSEvent, context: Context) => {
  const ports = deps.reconcileDeps();
  const reconcileRecord = async (record: SQSRecord): Promise<void> => {
    const started = deps.clock.now();
    try {
      const item = parseWorkItem(record.body);
      deps.logger.appendKeys({ scope: scopeKey(item.scope), eventId: item.origin.eventId });
      const outcome = await reconcileScope(ports, item, deps.modeOverride ? { modeOverride: deps.modeOverride } : {});
      recordOutcome(deps.metrics, outcome);
      const { status, reason, applied, plan } = outcome;
      deps.logger.info('Scope reconciled', {
        status,
        reason,
        ...applied,
        blocked: plan.blocked,
        ruleErrors: plan.errors,
      });
    } catch (error) {
      assertIsError(error);
      deps.metrics.addMetric(MetricNames.reconcileFailures, 'Count', 1);
      if (error instanceof ReconcileError) recordOutcome(deps.metrics, error.outcome);
      deps.logger.error('Reconcile failed', { messageId: record.messageId, error });
      throw error;
    } finally {
      deps.metrics.addMetric(MetricNames.reconcileDuration, 'Milliseconds', deps.clock.now() - started);
    }
  };
  const processor = new SqsFifoPartialProcessorAsync();
  const options = { context, skipGroupOnError: true };
  return (await processPartialResponse(event, reconcileRecord, processor, options)) as SQSBatchResponse;
};
