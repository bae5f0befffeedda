import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { forwarderRoleName, PRINCIPAL_READ_ROLE_NAME } from '../../infra/stacks/forwarder-stack.js';
import { allActions, allowing, resourcesOf, statementsOf } from './iam-support.js';
import { CROSS_ACCOUNT, DISCOVERY, SINGLE_ACCOUNT, synthesize } from './support.js';

const cross = () => synthesize(CROSS_ACCOUNT);
const busArn = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:222222222222:event-bus/idc-lifecycle']],
};

describe('EventForwarderStack', () => {
  it('deploys to the management account, in us-east-1 for Organizations and where Control Tower and Identity Center live', () => {
    // Prepare
    const { stacks } = cross();

    // Act
    const placements = stacks.forwarders.map((stack) => `${stack.account}/${stack.region}`).sort();

    // Assess
    expect(placements).toEqual(['111111111111/eu-west-1', '111111111111/us-east-1']);
  });

  it.each([
    ['us-east-1', 'aws.organizations'],
    ['us-east-1', 'aws.tag'],
    ['eu-west-1', 'aws.controltower'],
    ['eu-west-1', 'aws.identitystore'],
    ['eu-west-1', 'aws.sso'],
  ])(
    'forwards %s %s events straight to the custom bus with a retry policy, a DLQ and a dedicated role',
    (region, source) => {
      // Prepare
      const forwarder = cross().forwarder(region);

      // Act / Assess
      forwarder.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: Match.absent(),
        EventPattern: Match.objectLike({ source: [source] }),
        Targets: [
          Match.objectLike({
            Arn: busArn,
            RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardingRole'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardingDeadLetterQueue'), 'Arn'] } },
          }),
        ],
      });
    },
  );

  it.each(['us-east-1', 'eu-west-1'])(
    'forwards from %s only events of the management account, with a role the bus policy names',
    (region) => {
      // Prepare
      const forwarder = cross().forwarder(region);

      // Act
      const patterns = Object.values(forwarder.findResources('AWS::Events::Rule')).map(
        (rule) => rule.Properties.EventPattern,
      );

      // Assess
      expect(patterns.length).toBeGreaterThan(0);
      for (const pattern of patterns) expect(pattern.account).toEqual(['111111111111']);
      forwarder.hasResourceProperties('AWS::IAM::Role', { RoleName: forwarderRoleName(region) });
    },
  );

  it('excludes failed Organizations calls from forwarding', () => {
    // Prepare
    const forwarder = cross().forwarder('us-east-1');

    // Act / Assess
    forwarder.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.organizations'],
        detail: Match.objectLike({ errorCode: [{ exists: false }] }),
      }),
    });
  });

  it('lets the forwarding role put events on the custom bus and nothing else', () => {
    // Prepare
    const { stacks } = cross();
    const stack = stacks.forwarders.find((candidate) => candidate.region === 'us-east-1');
    if (!stack) throw new Error('no us-east-1 forwarder');

    // Act
    const statements = statementsOf(cross().forwarder('us-east-1'), stack.forwardingRole);

    // Assess
    expect(allActions(statements)).toEqual(['events:PutEvents']);
    expect(statements[0]?.Resource).toEqual(busArn);
  });

  it('creates the principal read role only in us-east-1, assumable only by the worker role', () => {
    // Prepare
    const s = cross();

    // Act / Assess
    s.forwarder('us-east-1').hasResourceProperties('AWS::IAM::Role', {
      RoleName: PRINCIPAL_READ_ROLE_NAME,
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Principal: { AWS: 'arn:aws:iam::222222222222:root' },
            Condition: {
              ArnEquals: {
                'aws:PrincipalArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/idc-lifecycle-worker']],
                },
              },
            },
          }),
        ],
      },
    });
    expect(
      s.forwarder('eu-west-1').findResources('AWS::IAM::Role', { Properties: { RoleName: PRINCIPAL_READ_ROLE_NAME } }),
    ).toEqual({});
  });

  it.each([
    ['a configured instance', CROSS_ACCOUNT, CROSS_ACCOUNT.instanceArn],
    ['instance discovery', DISCOVERY, ':sso:::instance/*'],
  ])(
    'lets the principal read role list assignments for a principal on the instance only (%s)',
    (_, input, instance) => {
      // Prepare
      const s = synthesize(input);
      const stack = s.stacks.forwarders.find((candidate) => candidate.region === 'us-east-1');
      if (!stack?.principalReadRole) throw new Error('no principal read role');

      // Act
      const statements = statementsOf(s.forwarder('us-east-1'), stack.principalReadRole);

      // Assess
      expect(allActions(statements)).toEqual(['sso:ListAccountAssignmentsForPrincipal']);
      expect(
        resourcesOf(allowing(statements, 'sso:ListAccountAssignmentsForPrincipal')[0] ?? ({} as never)).join(' '),
      ).toContain(instance);
    },
  );

  it('forwards from us-east-1 across Regions, without a read role, when the management account runs the automation elsewhere', () => {
    // Prepare
    const s = synthesize({ ...SINGLE_ACCOUNT, homeRegion: 'eu-central-1', controlTowerHomeRegion: 'eu-central-1' });

    // Act
    const forwarder = s.forwarder('us-east-1');

    // Assess
    expect(s.stacks.forwarders.map((stack) => stack.region)).toEqual(['us-east-1']);
    forwarder.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: Match.objectLike({
            'Fn::Join': ['', Match.arrayWith([':events:eu-central-1:111111111111:event-bus/idc-lifecycle'])],
          }),
        }),
      ],
    });
    expect(forwarder.findResources('AWS::IAM::Role', { Properties: { RoleName: PRINCIPAL_READ_ROLE_NAME } })).toEqual(
      {},
    );
  });

  it('alarms when an event could not be forwarded', () => {
    // Prepare
    const forwarder = cross().forwarder('us-east-1');

    // Act / Assess
    forwarder.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardingDeadLetterQueue'), 'QueueName'] },
        },
      ],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
    });
  });
});
