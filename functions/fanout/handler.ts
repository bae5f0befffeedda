// Triggered by: the EventBridge Scheduler sweep, the minute check of time-bound rules, and SSM
// "Parameter Store Change" on the rules path.
// Changes: nothing in Identity Center; announces rejected rules and enqueues one item per scope.
import { type FanOutDeps, fanOut } from '../../shared/domain/reconcile/fan-out.js';
import { ruleBoundariesBetween } from '../../shared/domain/rule-window.js';
import { parseEvent } from '../../shared/events/index.js';
import { parseRuleBoundaryCheck, RULE_BOUNDARY_SPAN_MS } from '../../shared/events/rule-boundary.js';
import type { HandlerLogger } from '../../shared/runtime/logger.js';
import { MetricNames, type MetricsRecorder } from '../../shared/runtime/metrics.js';

export interface FanoutDeps extends FanOutDeps {
  readonly rulesPath: string;
  readonly logger: HandlerLogger;
  readonly metrics: MetricsRecorder;
}

/** A missing rule set (`RulesUnavailableError`) throws: nothing is enqueued, and the alarm fires. */
export const makeHandler =
  (deps: FanoutDeps) =>
  async (event: unknown): Promise<void> => {
    const check = parseRuleBoundaryCheck(event);
    if (check !== undefined) {
      // Answered from the rules alone: no Identity Center call unless a rule started or ended.
      const upTo = check.scheduledTime ?? deps.clock?.now() ?? Date.now();
      const { ruleSet } = await deps.rules.load();
      const passed = ruleBoundariesBetween(ruleSet, upTo - RULE_BOUNDARY_SPAN_MS, upTo);
      if (passed.length === 0) return;
      const origin = { eventId: check.executionId, eventName: 'rule-boundaries', source: 'aws.scheduler' };
      deps.logger.appendKeys({ eventId: origin.eventId, eventName: origin.eventName });
      deps.logger.info('Rule window boundary passed', { ruleIds: passed.map((b) => b.ruleId) });
      const { items } = await fanOut(deps, origin);
      deps.logger.info('Sweep enqueued', { items: items.length });
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
    const { items, rejections } = await fanOut(deps, sweep.origin);
    deps.metrics.addMetric(MetricNames.rulesRejected, 'Count', rejections.length);
    for (const rejection of rejections) deps.logger.warn('Rules document rejected', { ...rejection });
    deps.logger.info('Sweep enqueued', { items: items.length });
  };
