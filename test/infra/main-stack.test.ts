import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStacks } from '../../infra/build-app.js';
import { parseDeployConfig } from '../../infra/config/deploy-config.js';
import { RulesSeedError } from '../../infra/rules-seed.js';
import {
  WORK_QUEUE_VISIBILITY,
  WORKER_MAX_CONCURRENCY,
  WORKER_ROLE_NAME,
  WORKER_TIMEOUT,
} from '../../infra/stacks/main-stack.js';
import { READ_PARALLELISM } from '../../shared/domain/runs/run-organization.js';
import { actionsOf, allActions, allowing, resourcesOf, type Statement, statementsOf } from './iam-support.js';
import { CROSS_ACCOUNT, DISCOVERY, GUARDED, rulesFolder, SINGLE_ACCOUNT, synthesize, testApp } from './support.js';

const cross = () => synthesize(CROSS_ACCOUNT);
const single = () => synthesize(SINGLE_ACCOUNT);

const functionId = (name: 'Intake' | 'Fanout' | 'Worker', s = cross()) => {
  const fn = { Intake: s.stacks.main.intake, Fanout: s.stacks.main.fanout, Worker: s.stacks.main.worker }[name];
  return s.stacks.main.getLogicalId(fn.function.node.defaultChild as never);
};
const queueId = (path: string, s = cross()) =>
  s.stacks.main.getLogicalId(s.stacks.main.node.findChild(path).node.findChild('Queue').node.defaultChild as never);

describe('IdcLifecycleStack event routing', () => {
  it('names the custom bus idc-lifecycle and admits only the forwarder roles of the management account', () => {
    // Prepare
    const { main } = cross();
    const forwarderRole = (region: string) =>
      Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([`:iam::111111111111:role/idc-lifecycle-forwarder-${region}`])],
      });

    // Act / Assess
    main.hasResourceProperties('AWS::Events::EventBus', { Name: 'idc-lifecycle' });
    main.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Condition: { ArnEquals: { 'aws:PrincipalArn': [forwarderRole('us-east-1'), forwarderRole('eu-west-1')] } },
      },
    });
    expect(Object.keys(main.findResources('AWS::Events::EventBusPolicy'))).toHaveLength(1);
  });

  it('gives the bus no resource policy when nothing is forwarded', () => {
    // Prepare
    const { main } = single();

    // Act
    const policies = main.findResources('AWS::Events::EventBusPolicy');

    // Assess
    expect(policies).toEqual({});
  });

  it.each([
    ['cross-account', CROSS_ACCOUNT],
    ['single-account', SINGLE_ACCOUNT],
  ])('names the account of its events in every rule (%s)', (_, input) => {
    // Prepare
    const s = synthesize(input);
    const expected = new Map([
      ['aws.organizations', s.config.managementAccountId],
      ['aws.tag', s.config.managementAccountId],
      ['aws.controltower', s.config.managementAccountId],
      ['aws.ssm', s.config.automationAccountId],
    ]);

    // Act
    const patterns = Object.values(s.main.findResources('AWS::Events::Rule')).map(
      (rule) => rule.Properties.EventPattern as { source: unknown[]; account: string[] },
    );

    // Assess
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      expect(pattern.account).toHaveLength(1);
      const source = typeof pattern.source[0] === 'string' ? pattern.source[0] : undefined;
      const account = source === undefined ? undefined : expected.get(source);
      if (account !== undefined) expect(pattern.account).toEqual([account]);
    }
  });

  it('matches identity CloudTrail records only under an AWS source, which no PutEvents caller can use', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: Match.objectLike({
        source: [{ prefix: 'aws.' }],
        account: ['222222222222'],
        detail: Match.objectLike({ eventSource: Match.arrayWith(['identitystore-scim.amazonaws.com']) }),
      }),
    });
  });

  it('matches forwarded Organizations events on the custom bus, from the management account only, without failed calls', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^EventBus') },
      EventPattern: Match.objectLike({
        source: ['aws.organizations'],
        account: ['111111111111'],
        detail: Match.objectLike({
          eventName: Match.arrayWith(['CreateAccountResult', 'MoveAccount']),
          errorCode: [{ exists: false }],
        }),
      }),
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('Intake'), 'Arn'] } })],
    });
  });

  it('matches identity changes from all three CloudTrail sources on the default bus', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: Match.objectLike({
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: Match.objectLike({
          eventSource: Match.arrayWith([
            'sso-directory.amazonaws.com',
            'identitystore.amazonaws.com',
            'identitystore-scim.amazonaws.com',
          ]),
          errorCode: [{ exists: false }],
        }),
      }),
    });
  });

  it.each([
    ['on the default bus, from the automation account', 'default', '222222222222'],
    [
      'on the custom bus, forwarded from the management account',
      { Ref: Match.stringLikeRegexp('^EventBus') },
      '111111111111',
    ],
  ])('matches account assignment writes %s, without failed calls', (_, bus, account) => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: bus,
      EventPattern: Match.objectLike({
        source: ['aws.sso'],
        account: [account],
        detail: {
          eventSource: ['sso.amazonaws.com'],
          eventName: ['CreateAccountAssignment', 'DeleteAccountAssignment'],
          errorCode: [{ exists: false }],
        },
      }),
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('Intake'), 'Arn'] } })],
    });
  });

  it("tells the intake the worker's role, whose own writes it ignores", () => {
    // Prepare
    const s = cross();
    const workerRole = s.stacks.main.getLogicalId(s.stacks.main.worker.role.node.defaultChild as never);

    // Act
    const env =
      s.main.findResources('AWS::Lambda::Function')[functionId('Intake', s)]?.Properties.Environment.Variables;

    // Assess
    expect(env.WORKER_ROLE_ARN).toEqual({ 'Fn::GetAtt': [workerRole, 'Arn'] });
  });

  it('matches native Identity Store notifications forwarded from the management account', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.identitystore'], account: ['111111111111'] }),
    });
  });

  it('matches Organizations and Control Tower events on the default bus when everything lives in one account in us-east-1', () => {
    // Prepare
    const { main, stacks } = single();

    // Act / Assess
    expect(stacks.forwarders).toHaveLength(0);
    for (const source of ['aws.organizations', 'aws.controltower', 'aws.tag']) {
      main.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: 'default',
        EventPattern: Match.objectLike({ source: [source] }),
      });
    }
  });

  it('sends rules-path changes to the fan-out function', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['Parameter Store Change'],
        detail: Match.objectLike({ name: Match.arrayWith([{ prefix: '/idc-lifecycle/rules/' }]) }),
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('Fanout'), 'Arn'] } })],
    });
  });

  it.each([
    ['cross-account', CROSS_ACCOUNT],
    ['single-account', SINGLE_ACCOUNT],
  ])('gives every rule target a day of retries and the delivery DLQ (%s)', (_, input) => {
    // Prepare
    const s = synthesize(input);
    const dlq = queueId('DeliveryDeadLetterQueue', s);

    // Act
    const rules = Object.values(s.main.findResources('AWS::Events::Rule'));

    // Assess
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets) {
        expect(target).toMatchObject({
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        });
      }
    }
  });

  it('runs the sweep on the configured schedule with a retry policy and a DLQ', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(6 hours)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [functionId('Fanout'), 'Arn'] },
        Input: Match.serializedJson(Match.objectLike({ 'idc-lifecycle': 'sweep' })),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId('DeliveryDeadLetterQueue'), 'Arn'] } },
        RoleArn: Match.anyValue(),
      },
    });
  });
});

describe('IdcLifecycleStack work queue and worker', () => {
  it('uses a FIFO work queue without content-based deduplication and a FIFO DLQ', () => {
    // Prepare
    const { main } = cross();
    const dlq = queueId('WorkDeadLetterQueue');

    // Act / Assess
    main.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(main.findResources('AWS::SQS::Queue')[dlq]?.Properties).toMatchObject({ FifoQueue: true });
  });

  it('keeps a work item invisible for at least six worker timeouts', () => {
    // Prepare
    const { main } = cross();
    const worker = main.findResources('AWS::Lambda::Function')[functionId('Worker')];

    // Act
    const queue = Object.values(
      main.findResources('AWS::SQS::Queue', { Properties: { ContentBasedDeduplication: false } }),
    )[0];

    // Assess
    expect(worker?.Properties.Timeout).toBe(WORKER_TIMEOUT.toSeconds());
    expect(queue?.Properties.VisibilityTimeout).toBe(WORK_QUEUE_VISIBILITY.toSeconds());
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker?.Properties.Timeout);
  });

  it('polls the work queue with partial batch failures and a concurrency inside the Identity Center quota', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('Worker') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: WORKER_MAX_CONCURRENCY },
    });
    expect(WORKER_MAX_CONCURRENCY).toBeLessThanOrEqual(10);
  });

  it('has as many organization-lane worker environments as a run deals its read parts for', () => {
    // A run's accounts parts come in multiples of READ_PARALLELISM; fewer environments would read
    // the last of them alone, more would find no part to read.
    expect(WORKER_MAX_CONCURRENCY).toBe(READ_PARALLELISM);
  });

  it('passes the worker its configuration, the mode and the principal read role', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^idc-lifecycle worker'),
      Environment: {
        Variables: Match.objectLike({
          INSTANCE_ARN: CROSS_ACCOUNT.instanceArn,
          IDENTITY_STORE_ID: CROSS_ACCOUNT.identityStoreId,
          IDC_REGION: 'eu-west-1',
          RULES_PATH: '/idc-lifecycle/rules/',
          MANAGEMENT_ACCOUNT_ID: '111111111111',
          MODE: 'enforce',
          EVENT_BUS_NAME: { Ref: Match.stringLikeRegexp('^EventBus') },
          SUMMARY_TOPIC_ARN: { Ref: Match.anyValue() },
        }),
      },
    });
    const env = main.findResources('AWS::Lambda::Function')[functionId('Worker')]?.Properties.Environment.Variables;
    expect(JSON.stringify(env.PRINCIPAL_READ_ROLE_ARN)).toContain(
      ':iam::111111111111:role/idc-lifecycle-principal-read',
    );
  });

  it('omits the principal read role when the worker runs in the management account', () => {
    // Prepare
    const s = single();

    // Act
    const env =
      s.main.findResources('AWS::Lambda::Function')[functionId('Worker', s)]?.Properties.Environment.Variables;

    // Assess
    expect(env).not.toHaveProperty('PRINCIPAL_READ_ROLE_ARN');
  });
});

describe('IdcLifecycleStack functions', () => {
  it.each(['Intake', 'Fanout', 'Worker'] as const)(
    'builds %s on Node.js 22, arm64, with tracing and an explicit timeout and memory',
    (name) => {
      // Prepare
      const { main } = cross();

      // Act
      const fn = main.findResources('AWS::Lambda::Function')[functionId(name)]?.Properties;

      // Assess
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn?.Timeout).toEqual(expect.any(Number));
      expect(fn?.MemorySize).toEqual(expect.any(Number));
      expect(fn?.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'idc-lifecycle',
        POWERTOOLS_METRICS_NAMESPACE: 'idc-lifecycle',
      });
    },
  );

  it.each(['Intake', 'Fanout', 'Worker'] as const)(
    'sends failed asynchronous invocations of %s to the invocation failure queue',
    (name) => {
      // Prepare
      const { main } = cross();

      // Act / Assess
      main.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId(name) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId('InvocationFailureQueue'), 'Arn'] } } },
      });
    },
  );

  it.each(['Intake', 'Fanout', 'Worker'] as const)(
    'writes %s logs to its own log group with the configured retention',
    (name) => {
      // Prepare
      const { main } = cross();

      // Act
      const logGroup = main.findResources('AWS::Lambda::Function')[functionId(name)]?.Properties.LoggingConfig.LogGroup;

      // Assess
      expect(main.findResources('AWS::Logs::LogGroup')[logGroup.Ref]?.Properties).toMatchObject({
        RetentionInDays: 30,
      });
    },
  );
});

describe('IdcLifecycleStack worker quota', () => {
  it('splits the 10 outstanding creates of Identity Center among the concurrent workers', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    main.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MAX_OUTSTANDING_CREATES: '1' }) },
    });
  });
});

describe('IdcLifecycleStack permissions', () => {
  const roles = () => {
    const { stacks, main } = cross();
    return {
      intake: statementsOf(main, stacks.main.intake.role),
      fanout: statementsOf(main, stacks.main.fanout.role),
      worker: statementsOf(main, stacks.main.worker.role),
    };
  };
  const writes = [
    'sso:CreateAccountAssignment',
    'sso:DeleteAccountAssignment',
    'identitystore:CreateGroupMembership',
    'identitystore:DeleteGroupMembership',
  ];

  it('lets the intake role send to the queue and nothing else: no rules, no directory, no Identity Center', () => {
    // Prepare
    const { intake } = roles();

    // Act
    const actions = allActions(intake);

    // Assess
    expect(actions).toContain('sqs:SendMessage');
    expect(actions.filter((action) => /^(ssm|sso|identitystore|organizations|events|sns):/.test(action))).toEqual([]);
  });

  it.each([
    'organizations:DescribeAccount',
    'organizations:DescribeOrganization',
    // The accounts' tags are read by the run's accounts parts, in the workers.
    'organizations:ListTagsForResource',
    'identitystore:DescribeUser',
    'identitystore:DescribeGroup',
    'identitystore:ListGroupMembershipsForMember',
    // The workers read Identity Center for a run, in its read parts.
    'identitystore:ListUsers',
    'identitystore:GetGroupId',
    'identitystore:ListGroupMemberships',
    'sso:ListPermissionSets',
    'sso:ListAccountAssignments',
    'sso:ListPermissionSetsProvisionedToAccount',
  ])('does not let the fan-out call %s, which it never needs', (action) => {
    // Prepare
    const { fanout } = roles();

    // Act / Assess
    expect(allowing(fanout, action)).toEqual([]);
  });

  it.each([
    ['cross-account', CROSS_ACCOUNT],
    ['single-account', SINGLE_ACCOUNT],
    ['discovery', DISCOVERY],
    ['a rules seed and guardrails', { ...CROSS_ACCOUNT, ...GUARDED }],
  ])('lets no role but the worker write Identity Center, in any stack (%s)', (_, input) => {
    // Prepare
    const s = synthesize(input);
    const templates = [s.main, ...s.stacks.forwarders.map((stack) => s.forwarder(stack.region))];
    const workerRoleId = s.stacks.main.getLogicalId(s.stacks.main.worker.role.node.defaultChild as never);
    const writes = /^(sso|identitystore):(Create|Delete|Update|Put|Attach|Detach|Provision|Associate)/;

    // Act
    const writers = templates.flatMap((template) =>
      Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([, policy]) =>
          (policy.Properties.PolicyDocument.Statement as Statement[]).some(
            (statement) => statement.Effect === 'Allow' && actionsOf(statement).some((action) => writes.test(action)),
          ),
        )
        .flatMap(([, policy]) => policy.Properties.Roles as { Ref: string }[]),
    );

    // Assess
    expect(writers).toEqual([{ Ref: workerRoleId }]);
  });

  it.each([
    'organizations:ListRoots',
    'organizations:ListOrganizationalUnitsForParent',
    'organizations:ListAccountsForParent',
    'organizations:ListParents',
  ])('lets the fan-out read %s, which listing the accounts of the organization needs', (action) => {
    // Prepare
    const { fanout } = roles();

    // Act / Assess
    expect(allowing(fanout, action)).toHaveLength(1);
  });

  it("lets the worker read the accounts' tags, which a run's accounts parts read when a rule selects accounts by tag", () => {
    // Prepare
    const { worker } = roles();

    // Act / Assess
    expect(allowing(worker, 'organizations:ListTagsForResource')).toHaveLength(1);
  });

  it.each(writes)('grants %s to the worker only', (action) => {
    // Prepare
    const { intake, fanout, worker } = roles();

    // Act / Assess
    expect(allowing(intake, action)).toEqual([]);
    expect(allowing(fanout, action)).toEqual([]);
    expect(allowing(worker, action)).toHaveLength(1);
  });

  it('scopes assignment writes to the instance, its permission sets and accounts', () => {
    // Prepare
    const { worker } = roles();

    // Act
    const [statement] = allowing(worker, 'sso:CreateAccountAssignment');
    const resources = resourcesOf(statement ?? ({} as never)).join(' ');

    // Assess
    expect(resources).toContain(CROSS_ACCOUNT.instanceArn);
    expect(resources).toContain(':sso:::permissionSet/ssoins-1234567890abcdef/*');
    expect(resources).toContain(':sso:::account/*');
  });

  it('scopes membership writes to the identity store of the management account', () => {
    // Prepare
    const { worker } = roles();

    // Act
    const [statement] = allowing(worker, 'identitystore:DeleteGroupMembership');
    const resources = resourcesOf(statement ?? ({} as never)).join(' ');

    // Assess
    expect(resources).toContain(':identitystore::111111111111:identitystore/d-1234567890');
    expect(resources).toContain(':identitystore:::membership/*');
  });

  it('lets the worker assume the principal read role instead of calling the management-only API', () => {
    // Prepare
    const { worker } = roles();

    // Act
    const [assume] = allowing(worker, 'sts:AssumeRole');

    // Assess
    expect(resourcesOf(assume ?? ({} as never)).join(' ')).toContain(
      ':iam::111111111111:role/idc-lifecycle-principal-read',
    );
    expect(allowing(worker, 'sso:ListAccountAssignmentsForPrincipal')).toEqual([]);
  });

  it('names the worker role so the management account can trust it', () => {
    // Prepare
    const { main, stacks } = cross();

    // Act
    const roleId = stacks.main.getLogicalId(stacks.main.worker.role.node.defaultChild as never);

    // Assess
    expect(main.findResources('AWS::IAM::Role')[roleId]?.Properties.RoleName).toBe(WORKER_ROLE_NAME);
  });

  it.each([
    ['cross-account', CROSS_ACCOUNT],
    ['single-account', SINGLE_ACCOUNT],
    ['discovery', DISCOVERY],
  ])('never allows a wildcard action (%s)', (_, input) => {
    // Prepare
    const { main } = synthesize(input);

    // Act
    const actions = Object.values(main.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.flatMap(actionsOf),
    );

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action: string) => action.includes('*') && !action.endsWith(':GenerateDataKey*'))).toEqual(
      [],
    );
  });

  it('uses "*" resources only for actions that support no resource type', () => {
    // Prepare
    const { worker, fanout, intake } = roles();
    const allowedOnStar = new Set([
      'organizations:ListAccounts',
      'organizations:ListRoots',
      'organizations:DescribeOrganization',
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
    ]);

    // Act
    const onStar = [...worker, ...fanout, ...intake]
      .filter((statement) => resourcesOf(statement).includes('*'))
      .flatMap(actionsOf);

    // Assess
    expect(onStar.filter((action) => !allowedOnStar.has(action))).toEqual([]);
  });
});

describe('IdcLifecycleStack notifications and alarms', () => {
  it('encrypts the summary topic with a customer managed key and subscribes the configured address', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
    main.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    main.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform@example.com' });
  });

  it.each(['WorkDeadLetterQueue', 'DeliveryDeadLetterQueue', 'InvocationFailureQueue'])(
    'alarms to the topic as soon as %s holds a message',
    (path) => {
      // Prepare
      const { main } = cross();

      // Act / Assess
      main.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(path), 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^NotificationsTopic') }],
      });
    },
  );

  it.each(['Intake', 'Fanout', 'Worker'] as const)('alarms on errors of %s', (name) => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(name) } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^NotificationsTopic') }],
    });
  });

  it.each(['ReconcileBlocked', 'RulesRejected'])('alarms on the %s EMF metric', (metricName) => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Namespace: 'idc-lifecycle',
      Dimensions: [{ Name: 'service', Value: 'idc-lifecycle' }],
      Threshold: 0,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^NotificationsTopic') }],
    });
  });

  it('publishes a dashboard', () => {
    // Prepare
    const { main } = cross();

    // Act / Assess
    main.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'idc-lifecycle-eu-west-1' });
  });
});

describe('IdcLifecycleStack instance discovery', () => {
  it('discovers the instance at deploy time when the configuration omits it', () => {
    // Prepare
    const { main } = synthesize(DISCOVERY);

    // Act / Assess
    main.hasResourceProperties('Custom::AWS', {
      Create: Match.serializedJson(Match.objectLike({ service: 'SSOAdmin', action: 'listInstances' })),
    });
    main.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^idc-lifecycle worker'),
      Environment: {
        Variables: Match.objectLike({ INSTANCE_ARN: { 'Fn::GetAtt': [Match.anyValue(), 'Instances.0.InstanceArn'] } }),
      },
    });
  });
});

describe('IdcLifecycleStack guardrails', () => {
  const worker = (input: Record<string, unknown>) => {
    const { main, stacks } = synthesize(input);
    return statementsOf(main, stacks.main.worker.role);
  };

  it('denies assignment writes on the protected permission sets and accounts, and membership writes on the protected groups', () => {
    // Prepare / Act
    const denies = worker({ ...CROSS_ACCOUNT, ...GUARDED }).filter((statement) => statement.Effect === 'Deny');

    // Assess
    // The role's statements may be split across its policies (CDK's overflow), so order is not kept.
    const found = denies.map((statement) => [actionsOf(statement), resourcesOf(statement)]);
    expect(found).toHaveLength(3);
    expect(found).toEqual(
      expect.arrayContaining([
        [['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment'], [GUARDED.guardrails.permissionSetArns[0]]],
        [
          ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment'],
          [
            expect.stringContaining(':sso:::account/111111111111'),
            expect.stringContaining(':sso:::account/333333333333'),
          ],
        ],
        [
          ['identitystore:CreateGroupMembership', 'identitystore:DeleteGroupMembership'],
          [expect.stringContaining(`:identitystore:::group/${GUARDED.guardrails.groupIds[0]}`)],
        ],
      ]),
    );
  });

  it('adds no Deny statement when the configuration sets no guardrail', () => {
    // Prepare / Act
    const denies = worker(CROSS_ACCOUNT).filter((statement) => statement.Effect === 'Deny');

    // Assess
    expect(denies).toEqual([]);
  });
});

describe('IdcLifecycleStack rules publisher policy', () => {
  it('ships a policy that can read and write the documents under the rules path and nothing else, attached to no one', () => {
    // Prepare
    const { main } = cross();

    // Act
    const [policy] = Object.values(main.findResources('AWS::IAM::ManagedPolicy'))
      .filter(
        (p) =>
          p.Properties.ManagedPolicyName === undefined || !String(p.Properties.ManagedPolicyName).includes('approver'),
      )
      .filter((p) => p.Properties.Roles === undefined);
    const statements = (policy?.Properties.PolicyDocument.Statement ?? []) as Statement[];

    // Assess
    expect(allActions(statements).sort()).toEqual([
      'ssm:DeleteParameter',
      'ssm:DeleteParameters',
      'ssm:GetParameter',
      'ssm:GetParameterHistory',
      'ssm:GetParameters',
      'ssm:GetParametersByPath',
      'ssm:PutParameter',
    ]);
    for (const resource of statements.flatMap(resourcesOf)) {
      expect(resource).toMatch(/:ssm:eu-west-1:222222222222:parameter\/idc-lifecycle\/rules(\/\*)?"?/);
    }
    expect(policy?.Properties.Roles).toBeUndefined();
  });
});

describe('IdcLifecycleStack rules seed', () => {
  const build = (rulesSeedDirectory?: string, input: Record<string, unknown> = CROSS_ACCOUNT) =>
    buildStacks(testApp(), { config: parseDeployConfig(input), rulesSeedDirectory });

  it('seeds the named documents through a custom resource that is given the rules path, advanced above 4 KB', () => {
    // Prepare
    const folder = rulesFolder({ baseline: 'version: 1\n', workloads: `version: 1\n# ${'x'.repeat(5000)}\n` });

    // Act
    const template = Template.fromStack(build(folder).main);

    // Assess
    template.hasResourceProperties('Custom::IdcLifecycleRulesSeed', {
      RulesPath: '/idc-lifecycle/rules/',
      Documents: [
        { name: 'baseline', body: 'version: 1\n', tier: 'Standard' },
        Match.objectLike({ name: 'workloads', tier: 'Advanced' }),
      ],
    });
  });

  it('writes no rules parameter itself, so a later deployment can never overwrite published rules', () => {
    // Prepare
    const folder = rulesFolder({ baseline: 'version: 1\n' });

    // Act
    const template = Template.fromStack(build(folder).main);

    // Assess
    expect(template.findResources('AWS::SSM::Parameter')).toEqual({});
  });

  it('seeds nothing when the configuration names no seed folder', () => {
    // Prepare
    const stacks = build(undefined, DISCOVERY);

    // Act
    const template = Template.fromStack(stacks.main);

    // Assess
    expect(stacks.main.rulesSeed).toBeUndefined();
    expect(template.findResources('Custom::IdcLifecycleRulesSeed')).toEqual({});
  });

  it('lets the seed function create parameters only under the rules path', () => {
    // Prepare
    const stacks = build(rulesFolder());
    const seed = stacks.main.rulesSeed;
    if (!seed) throw new Error('no rules seed');

    // Act
    const [statement] = allowing(statementsOf(Template.fromStack(stacks.main), seed.function.role), 'ssm:PutParameter');

    // Assess
    expect(resourcesOf(statement ?? ({} as never))).toEqual([
      expect.stringMatching(/:parameter\/idc-lifecycle\/rules"?/),
      expect.stringMatching(/:parameter\/idc-lifecycle\/rules\/\*/),
    ]);
  });

  it('refuses to synthesize when the named seed folder is missing', () => {
    // Prepare
    const missing = join(rulesFolder(), 'missing');

    // Act / Assess
    expect(() => build(missing)).toThrow(RulesSeedError);
  });
});
