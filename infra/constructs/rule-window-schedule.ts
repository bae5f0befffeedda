import { Duration, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { schedulerRuleBoundaryInput } from '../../shared/events/rule-boundary.js';
import { acknowledgeWildcardResource } from '../nag.js';
import { TARGET_RETRY } from './event-routes.js';

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
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
      description: 'Lets EventBridge Scheduler start the idc-lifecycle check of rule windows, nothing else',
    });
    new Schedule(this, 'Schedule', {
      description: 'Minute check of time-bound rules: starts a run when a validFrom or validUntil passed',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(props.fanout, {
        role,
        input: ScheduleTargetInput.fromObject(schedulerRuleBoundaryInput),
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
