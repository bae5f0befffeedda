import { Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, type ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.js';
import { TARGET_RETRY } from './event-routes.js';

export interface FanoutScheduleProps {
  /** The fan-out function the schedule invokes. */
  readonly fanout: IFunction;
  /** Where an execution goes once Scheduler has given up delivering it. */
  readonly deadLetterQueue: IQueue;
  readonly schedule: ScheduleExpression;
  /** The input the fan-out recognises the schedule by. */
  readonly input: Record<string, unknown>;
  /** What the schedule starts, for the role's and the schedule's descriptions. */
  readonly starts: string;
  readonly description: string;
}

/**
 * An EventBridge Scheduler schedule that invokes the fan-out with a fixed input, through a role
 * of its own that only this account's Scheduler can assume. The sweep and the minute check of
 * time-bound rules are both built with it, under their own construct ids.
 */
export const scheduleFanout = (scope: Construct, props: FanoutScheduleProps): void => {
  const role = new Role(scope, 'Role', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
      StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
    }),
    description: `Lets EventBridge Scheduler start ${props.starts}, nothing else`,
  });
  new Schedule(scope, 'Schedule', {
    description: props.description,
    schedule: props.schedule,
    target: new LambdaInvoke(props.fanout, {
      role,
      input: ScheduleTargetInput.fromObject(props.input),
      deadLetterQueue: props.deadLetterQueue,
      ...TARGET_RETRY,
    }),
  });
  acknowledgeWildcardResource(
    role,
    `${props.fanout.functionArn}:*`,
    'Added by grantInvoke: the fan-out function and its versions, nothing else.',
  );
};
