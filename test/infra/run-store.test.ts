import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { APPROVER_POLICY_NAME, RUN_TABLE_NAME } from '../../infra/constructs/run-store.js';
import { allActions, allowing, statementsOf } from './iam-support.js';
import { CROSS_ACCOUNT, synthesize } from './support.js';

const cross = () => synthesize(CROSS_ACCOUNT);

describe('RunStore', () => {
  it('keeps runs in one pay-per-request table keyed pk/sk, with TTL and point-in-time recovery, kept on stack deletion', () => {
    const { main } = cross();

    main.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: RUN_TABLE_NAME,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  it('lets approvers put only Run Approval events on the bus, and read runs', () => {
    const { main } = cross();

    main.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: APPROVER_POLICY_NAME,
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'events:PutEvents',
            Condition: {
              StringEquals: { 'events:source': 'idc-lifecycle.approval', 'events:detail-type': 'Run Approval' },
            },
          }),
          Match.objectLike({ Action: ['dynamodb:GetItem', 'dynamodb:Query'] }),
        ],
      },
    });
  });

  it('routes Run Approval events of the stack account on the lifecycle bus to the fan-out', () => {
    const { main } = cross();

    main.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['idc-lifecycle.approval'],
        'detail-type': ['Run Approval'],
        account: [Match.anyValue()],
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Fanout'), 'Arn'] } })],
    });
  });

  it.each(['fanout', 'worker'] as const)(
    'gives the %s item reads and writes on the table, and no scan or delete',
    (name) => {
      const s = cross();
      const statements = statementsOf(s.main, s.stacks.main[name].role);

      expect(allowing(statements, 'dynamodb:PutItem')).toHaveLength(1);
      expect(
        allActions(statements)
          .filter((a) => a.startsWith('dynamodb:'))
          .sort(),
      ).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    },
  );

  it('tells the fan-out and the worker the table, and the worker the queue for continuations', () => {
    const { main } = cross();

    for (const description of [Match.stringLikeRegexp('fan-out'), Match.stringLikeRegexp('worker')]) {
      main.hasResourceProperties('AWS::Lambda::Function', {
        Description: description,
        Environment: {
          Variables: Match.objectLike({ RUN_TABLE_NAME: Match.anyValue(), WORK_QUEUE_URL: Match.anyValue() }),
        },
      });
    }
  });
});
