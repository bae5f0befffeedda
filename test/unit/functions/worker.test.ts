import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/worker/handler.js';
import { AssignmentOperationError } from '../../../shared/domain/errors.js';
import { type Scope, scopeKey } from '../../../shared/domain/scope.js';
import { RecordingLogger, RecordingMetrics } from '../../support/fakes/index.js';
import { describeAssignments, GROUP, PROD, PS, SHARED, story, storyRules, USER } from '../reconcile/world.js';

const context = {
  functionName: 'worker',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:worker',
} as Context;

let sequence = 0;
const record = (scope: Scope, body?: string): SQSRecord => {
  sequence += 1;
  return {
    messageId: `msg-${sequence}`,
    receiptHandle: `rh-${sequence}`,
    body:
      body ??
      JSON.stringify({
        scope,
        origin: { eventId: `evt-${sequence}`, eventName: 'MoveAccount', source: 'aws.organizations' },
      }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: scopeKey(scope),
      MessageDeduplicationId: `dedup-${sequence}`,
      SequenceNumber: String(sequence),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:work.fifo',
    awsRegion: 'eu-west-1',
  };
};

const account = (accountId: string): Scope => ({ kind: 'account', accountId });

const setup = (modeOverride?: 'report') => {
  const s = story();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const handler = makeHandler({
    reconcileDeps: () => s.deps,
    clock: s.clock,
    logger,
    metrics,
    ...(modeOverride === undefined ? {} : { modeOverride }),
  });
  return { ...s, metrics, logger, handler };
};

describe('worker handler', () => {
  it('reconciles every record and reports no failure when all succeed', async () => {
    // Prepare
    const { org, metrics, handler } = setup();

    // Act
    const response = await handler({ Records: [record(account(PROD)), record(account(SHARED))] }, context);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(describeAssignments(org, SHARED)).toEqual([`${SHARED} AdministratorAccess GROUP ${GROUP.platform}`]);
    expect(metrics.total('AssignmentsCreated')).toBe(3);
    expect(metrics.values.filter((v) => v.name === 'ReconcileDuration')).toHaveLength(2);
  });

  it('fails only the record whose body is not a work item', async () => {
    // Prepare
    const { handler } = setup();
    const broken = record(account(SHARED), '{"scope":');

    // Act
    const response = await handler({ Records: [broken, record(account(PROD))] }, context);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: broken.messageId }]);
  });

  it('fails the later records of a failed message group and goes on with the other groups', async () => {
    // Prepare
    const { org, metrics, handler } = setup();
    org.failOn('describeAccount', new Error('throttled'), { times: 1, match: ([id]) => id === PROD });
    const first = record(account(PROD));
    const other = record(account(SHARED));
    const later = record(account(PROD));

    // Act
    const response = await handler({ Records: [first, other, later] }, context);

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: first.messageId },
      { itemIdentifier: later.messageId },
    ]);
    expect(org.callsOf('describeAccount').filter((c) => c.args[0] === PROD)).toHaveLength(1);
    expect(describeAssignments(org, SHARED)).toHaveLength(1);
    expect(metrics.total('ReconcileFailures')).toBe(1);
  });

  it('counts the changes that succeeded when some operations of a reconcile failed', async () => {
    // Prepare
    const { org, metrics, logger, handler } = setup();
    org.failOn('createAccountAssignment', new AssignmentOperationError('create', 'quota'), {
      match: ([a]) => {
        const assignment = a as { accountId: string; principalId: string };
        return assignment.accountId === PROD && assignment.principalId === GROUP.platform;
      },
    });
    const failing = record(account(PROD));

    // Act
    const response = await handler({ Records: [failing, record(account(SHARED))] }, context);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
    expect(metrics.total('AssignmentsCreated')).toBe(2);
    expect(metrics.total('ReconcileFailures')).toBe(1);
    expect(logger.messages('error')).toEqual(['Reconcile failed']);
    expect(org.assignmentsOf(USER.alice)).toHaveLength(1);
  });

  it('throws when every record fails, so that the whole batch is retried', async () => {
    // Prepare
    const { handler } = setup();

    // Act
    const run = handler({ Records: [record(account(PROD), 'nope')] }, context);

    // Assess
    await expect(run).rejects.toThrow();
  });

  it('changes nothing when the function forces report mode', async () => {
    // Prepare
    const { org, metrics, handler } = setup('report');
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });

    // Act
    const response = await handler({ Records: [record(account(PROD))] }, context);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(org.writeCalls()).toEqual([]);
    expect(metrics.total('AssignmentsDeleted')).toBe(0);
  });

  it('counts a run whose revocations the guard blocked', async () => {
    // Prepare
    const { org, rules, metrics, handler } = setup();
    rules.set(storyRules({ revocationGuard: { maxPerRun: 0 } }));
    org.state.assignments.push({
      accountId: PROD,
      permissionSetArn: PS.admin,
      principalType: 'USER',
      principalId: USER.bob,
    });

    // Act
    await handler({ Records: [record(account(PROD))] }, context);

    // Assess
    expect(metrics.total('ReconcileBlocked')).toBe(1);
  });
});
