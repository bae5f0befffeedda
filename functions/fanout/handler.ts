// Triggered by: the EventBridge Scheduler sweep, the minute check of time-bound rules, SSM
// "Parameter Store Change" on the rules path, and "Run Approval".
// Changes: nothing in Identity Center (it reads none of it either); starts organization-wide runs,
// records them, and enqueues their read parts; starts approval runs and enqueues their work.
import { ruleBoundariesBetween } from '../../shared/domain/rule-window.js';
import { approveRun } from '../../shared/domain/runs/approve-run.js';
import { beginOrganizationRun, type OrganizationRunDeps } from '../../shared/domain/runs/run-organization.js';
import { isApprovalEvent, parseApprovalEvent } from '../../shared/events/approval.js';
import { parseEvent } from '../../shared/events/index.js';
import { parseRuleBoundaryCheck, RULE_BOUNDARY_SPAN_MS } from '../../shared/events/rule-boundary.js';
import { SSM_SOURCE } from '../../shared/events/ssm.js';
import type { HandlerLogger } from '../../shared/runtime/logger.js';
import { MetricNames, type MetricsRecorder } from '../../shared/runtime/metrics.js';

export interface FanoutDeps extends OrganizationRunDeps {
  readonly rulesPath: string;
  readonly logger: HandlerLogger;
  readonly metrics: MetricsRecorder;
}

/**
 * A missing rule set (`RulesUnavailableError`) throws: nothing is enqueued, and the alarm fires.
 * A malformed approval, or one of a run that is not blocked, is logged and dropped: retrying it
 * cannot make it right.
 */
export const makeHandler =
  (deps: FanoutDeps) =>
  async (event: unknown): Promise<void> => {
    if (isApprovalEvent(event)) {
      const approval = parseApprovalEvent(event);
      if (approval === undefined) {
        deps.logger.warn('Approval refused', { reason: 'the Run Approval event is malformed' });
        return;
      }
      deps.logger.appendKeys({ eventId: approval.origin.eventId, runId: approval.runId });
      const result = await approveRun(deps, approval, approval.origin);
      if (result.status === 'refused') deps.logger.warn('Approval refused', { reason: result.reason });
      else deps.logger.info('Run approved', { approvalRunId: result.approval.runId, ...result.approval.counts });
      return;
    }
    const check = parseRuleBoundaryCheck(event);
    if (check !== undefined) {
      // Answered from the rules alone: no Identity Center call unless a rule started or ended.
      const upTo = check.scheduledTime ?? deps.clock.now();
      const { ruleSet } = await deps.rules.load();
      const passed = ruleBoundariesBetween(ruleSet, upTo - RULE_BOUNDARY_SPAN_MS, upTo);
      if (passed.length === 0) return;
      const origin = { eventId: check.executionId, eventName: 'rule-boundaries', source: 'aws.scheduler' };
      deps.logger.appendKeys({ eventId: origin.eventId, eventName: origin.eventName });
      deps.logger.info('Rule window boundary passed', { ruleIds: passed.map((b) => b.ruleId) });
      const { run } = await beginOrganizationRun(deps, 'schedule', origin);
      deps.logger.info('Run started', { runId: run.runId, status: run.status, read: run.read });
      return;
    }
    const result = parseEvent(event, { rulesPath: deps.rulesPath });
    const sweep = result.kind === 'work' ? result.items.find((item) => item.scope.kind === 'all') : undefined;
    if (sweep === undefined) {
      const reason = result.kind === 'ignored' ? result.reason : 'the event names no sweep';
      deps.logger.info('Event ignored', { reason });
      return;
    }
    deps.logger.appendKeys({ eventId: sweep.origin.eventId, eventName: sweep.origin.eventName });
    const trigger = sweep.origin.source === SSM_SOURCE ? 'rules-change' : 'schedule';
    const { run, rejections } = await beginOrganizationRun(deps, trigger, sweep.origin);
    deps.metrics.addMetric(MetricNames.rulesRejected, 'Count', rejections.length);
    for (const rejection of rejections) deps.logger.warn('Rules document rejected', { ...rejection });
    deps.logger.info('Run started', { runId: run.runId, status: run.status, read: run.read });
  };
