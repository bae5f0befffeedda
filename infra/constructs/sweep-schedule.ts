import { Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { schedulerSweepInput } from '../../shared/events/schedule.js';
import { acknowledgeWildcardResource } from '../nag.js';
import { TARGET_RETRY } from './event-routes.js';

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
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
      description: 'Lets EventBridge Scheduler start the idc-lifecycle sweep, nothing else',
    });
    new Schedule(this, 'Schedule', {
      description: 'Full reconciliation sweep: repairs whatever an event missed',
      schedule: ScheduleExpression.expression(props.expression),
      target: new LambdaInvoke(props.fanout, {
        role,
        input: ScheduleTargetInput.fromObject(schedulerSweepInput),
        deadLetterQueue: props.deadLetterQueue,
        ...TARGET_RETRY,
      }),
    });
    acknowledgeWildcardResource(
      role,
      `${props.fanout.functionArn}:*`,
      'Added by grantInvoke: the fan-out function and its versions, nothing else.',
    );
  }
}
