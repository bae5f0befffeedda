import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { schedulerSweepInput } from '../../shared/events/schedule.js';
import { scheduleFanout } from './fanout-schedule.js';

export interface SweepScheduleProps {
  /** The function that expands the sweep into one work item per account. */
  readonly fanout: IFunction;
  /** An EventBridge Scheduler expression (UTC). */
  readonly expression: string;
  /** Where an execution goes once Scheduler has given up delivering it. */
  readonly deadLetterQueue: IQueue;
}

/** The full reconciliation sweep, which repairs whatever an event missed, on a schedule. */
export class SweepSchedule extends Construct {
  constructor(scope: Construct, id: string, props: SweepScheduleProps) {
    super(scope, id);
    scheduleFanout(this, {
      ...props,
      schedule: ScheduleExpression.expression(props.expression),
      input: schedulerSweepInput,
      starts: 'the idc-lifecycle sweep',
      description: 'Full reconciliation sweep: repairs whatever an event missed',
    });
  }
}
