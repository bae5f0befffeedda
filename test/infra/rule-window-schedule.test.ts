import { Match } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { CROSS_ACCOUNT, synthesize } from './support.js';

describe('IdcLifecycleStack minute check of time-bound rules', () => {
  it('invokes the fan-out every minute with the scheduled time, a retry policy and a DLQ', () => {
    // Prepare
    const s = synthesize(CROSS_ACCOUNT);
    const fanout = s.stacks.main.getLogicalId(s.stacks.main.fanout.function.node.defaultChild as never);
    const dlq = s.stacks.main.getLogicalId(
      s.stacks.main.node.findChild('DeliveryDeadLetterQueue').node.findChild('Queue').node.defaultChild as never,
    );

    // Act / Assess
    s.main.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [fanout, 'Arn'] },
        Input: Match.serializedJson({
          'idc-lifecycle': 'rule-boundaries',
          executionId: '<aws.scheduler.execution-id>',
          scheduledTime: '<aws.scheduler.scheduled-time>',
        }),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        RoleArn: Match.anyValue(),
      },
    });
  });
});
