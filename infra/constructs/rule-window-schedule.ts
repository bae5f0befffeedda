import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { schedulerRuleBoundaryInput } from '../../shared/events/rule-boundary.js';
import { scheduleFanout } from './fanout-schedule.js';

export interface RuleWindowScheduleProps {
  /** The function that answers the check from the rules and starts a run when a window boundary passed. */
  readonly fanout: IFunction;
  /** Where an execution goes once Scheduler has given up delivering it. */
  readonly deadLetterQueue: IQueue;
}

/**
 * The minute check of time-bound rules (docs/decisions/0010-time-bound-rules-minute-check.md):
 * every minute the fan-out asks whether a `validFrom` or `validUntil` passed in the minute before
 * the scheduled time. Scheduler keeps the scheduled time across its retries, so a retried
 * execution asks about the same minute.
 */
export class RuleWindowSchedule extends Construct {
  constructor(scope: Construct, id: string, props: RuleWindowScheduleProps) {
    super(scope, id);
    scheduleFanout(this, {
      ...props,
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      input: schedulerRuleBoundaryInput,
      starts: 'the idc-lifecycle check of rule windows',
      description: 'Minute check of time-bound rules: starts a run when a validFrom or validUntil passed',
    });
  }
}
