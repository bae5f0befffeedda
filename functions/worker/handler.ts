// Triggered by: the SQS FIFO work queues (one message per scope, grouped by scope key; or one per
// read part of an organization-wide run, grouped by part).
// Changes: account assignments and group memberships in Identity Center; plans runs whose read it
// completes; publishes lifecycle events.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { assertIsError } from '../../shared/domain/errors.js';
import type { ClockPort } from '../../shared/domain/ports.js';
import { parseWorkItem } from '../../shared/domain/reconcile/parse-work-item.js';
import { ReconcileError } from '../../shared/domain/reconcile/reconcile-error.js';
import { type ReconcileDeps, reconcileScope } from '../../shared/domain/reconcile/reconcile-scope.js';
import { throttledRetrySeconds } from '../../shared/domain/reconcile/throttled-retry.js';
import {
  grantsBeforeFailure,
  type PartGrant,
  type ReadPartDeps,
  readRunPart,
} from '../../shared/domain/runs/read-part.js';
import { scopeKey } from '../../shared/domain/scope.js';
import type { HandlerLogger } from '../../shared/runtime/logger.js';
import { MetricNames, type MetricsRecorder, recordOutcome } from '../../shared/runtime/metrics.js';

export interface WorkerDeps {
  /** Ports for one invocation: directory caches must not outlive it. */
  readonly reconcileDeps: () => ReconcileDeps;
  /** Ports for a read part of an organization-wide run (an `all` item carrying its run's part). */
  readonly readPartDeps: () => ReadPartDeps;
  readonly modeOverride?: 'report';
  readonly clock: ClockPort;
  readonly logger: HandlerLogger;
  readonly metrics: MetricsRecorder;
  /**
   * Brings a record that failed on throttling, or on another transient error such as a dropped
   * connection, back within a minute (docs/design.md §8).
   */
  readonly throttled: {
    readonly isThrottling: (error: Error) => boolean;
    readonly retryAfter: (record: SQSRecord, seconds: number) => Promise<void>;
    readonly random: () => number;
  };
}

/**
 * Records run in order. A failed record fails, with it, the later records of its message group
 * (FIFO order per scope), while other groups go on; every failure is reported in
 * `batchItemFailures` and retried by SQS, then sent to the DLQ.
 */
export const makeHandler = (deps: WorkerDeps) => async (event: SQSEvent, context: Context) => {
  const ports = deps.reconcileDeps();
  // Message groups with a record that failed on throttling: the group's later records were
  // skipped with it and are just as ready to run again soon.
  const throttledGroups = new Set<string>();
  const retrySoon = async (failedIds: readonly string[]): Promise<void> => {
    const failed = new Set(failedIds);
    for (const record of event.Records) {
      if (!failed.has(record.messageId) || !throttledGroups.has(record.attributes.MessageGroupId ?? '')) continue;
      const seconds = throttledRetrySeconds(Number(record.attributes.ApproximateReceiveCount), deps.throttled.random);
      try {
        await deps.throttled.retryAfter(record, seconds);
      } catch (error) {
        // The record is reported failed either way; it only waits out the full visibility timeout.
        assertIsError(error);
        deps.logger.error('Visibility change failed', { messageId: record.messageId, error });
      }
    }
  };
  // The grants a read part applied as it read are reconciles of their own: counted and logged as
  // such. One that failed leaves its grants to the run's plan, which queues them as an item.
  const recordGrants = (grants: readonly PartGrant[]): void => {
    for (const grant of grants) {
      if (grant.outcome !== undefined) recordOutcome(deps.metrics, grant.outcome);
      if (grant.error === undefined) {
        deps.logger.info('Grants applied while reading', {
          scope: `account:${grant.accountId}`,
          status: grant.outcome?.status,
          ...grant.outcome?.applied,
        });
      } else {
        // Not a failed record: the run's plan queues these grants as an item, which counts if it fails.
        deps.logger.warn('Grants while reading failed; the run plan queues them', {
          scope: `account:${grant.accountId}`,
          error: grant.error,
        });
      }
    }
  };
  const reconcileRecord = async (record: SQSRecord): Promise<void> => {
    const started = deps.clock.now();
    try {
      const item = parseWorkItem(record.body);
      deps.logger.appendKeys({ scope: scopeKey(item.scope), eventId: item.origin.eventId, runId: item.run?.runId });
      const read = item.run?.read;
      if (item.run !== undefined && read !== undefined) {
        const budget = { remainingMs: () => context.getRemainingTimeInMillis() };
        const { outcome, run, grants } = await readRunPart(deps.readPartDeps(), { ...item.run, read }, budget);
        recordGrants(grants);
        deps.logger.info('Run part read', { part: read.name, outcome, status: run.status, ...run.counts });
        return;
      }
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
      recordGrants(grantsBeforeFailure(error));
      if (deps.throttled.isThrottling(error)) throttledGroups.add(record.attributes.MessageGroupId ?? '');
      deps.logger.error('Reconcile failed', { messageId: record.messageId, error });
      throw error;
    } finally {
      deps.metrics.addMetric(MetricNames.reconcileDuration, 'Milliseconds', deps.clock.now() - started);
    }
  };
  const processor = new SqsFifoPartialProcessorAsync();
  const options = { context, skipGroupOnError: true };
  try {
    const response = (await processPartialResponse(event, reconcileRecord, processor, options)) as SQSBatchResponse;
    await retrySoon(response.batchItemFailures.map((f) => f.itemIdentifier));
    return response;
  } catch (error) {
    // Every record failed (Powertools throws): all of them go back to the queue.
    await retrySoon(event.Records.map((r) => r.messageId));
    throw error;
  }
};
