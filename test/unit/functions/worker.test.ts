import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/worker/handler.js';
import { AssignmentOperationError } from '../../../shared/domain/errors.js';
import { RulesCache } from '../../../shared/domain/reconcile/rules-cache.js';
import type { GrantWhileReading } from '../../../shared/domain/runs/read-part.js';
import { reconcileRunPart } from '../../../shared/domain/runs/reconcile-run-part.js';
import { cachedRunDirectories, loadRunDirectory } from '../../../shared/domain/runs/run-directory.js';
import { beginOrganizationRun } from '../../../shared/domain/runs/run-organization.js';
import { messageGroupId, type Scope, scopeKey } from '../../../shared/domain/scope.js';
import { InMemoryQueue, InMemoryRunStore, RecordingLogger, RecordingMetrics } from '../../support/fakes/index.js';
import { describeAssignments, GROUP, PROD, PS, SHARED, story, storyRules, USER } from '../reconcile/world.js';

const context = {
  functionName: 'worker',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:worker',
  getRemainingTimeInMillis: () => 900_000,
} as Context;

let sequence = 0;
const record = (scope: Scope, body?: string, groupId = scopeKey(scope)): SQSRecord => {
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
      MessageGroupId: groupId,
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

const throttle = (): Error => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

const setup = (modeOverride?: 'report', visibilityFails = false, grantWhileReading = false) => {
  const s = story();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const retried: { messageId: string; seconds: number }[] = [];
  const store = new InMemoryRunStore();
  const queue = new InMemoryQueue();
  // As composed: the worker applies a read part's grants with the ports it applies a run's items with.
  const runPartDeps = {
    ...s.deps,
    rules: new RulesCache(s.rules, s.clock, 60_000),
    runStore: store,
    runDirectory: cachedRunDirectories((runId) => loadRunDirectory(store, runId)),
  };
  const grant: GrantWhileReading = (item, assignments) =>
    reconcileRunPart(runPartDeps, item, item.run.planned, { assignments });
  const readPartDeps = () => ({
    ...s.deps,
    organizations: s.org,
    identityStore: s.org,
    ssoAdmin: s.org,
    store,
    queue,
    // A lane of one environment: the parts of one batch, read one after another, all grant.
    ...(grantWhileReading ? { grant, laneEnvironments: 1 } : {}),
  });
  const fanOutDeps = () => ({ ...s.deps, organizations: s.org, store, queue });
  const handler = makeHandler({
    reconcileDeps: () => s.deps,
    readPartDeps,
    clock: s.clock,
    logger,
    metrics,
    throttled: {
      isThrottling: (error) => error.name === 'ThrottlingException',
      retryAfter: async (r, seconds) => {
        if (visibilityFails) throw new Error('AccessDenied');
        retried.push({ messageId: r.messageId, seconds });
      },
      random: () => 0.5,
    },
    ...(modeOverride === undefined ? {} : { modeOverride }),
  });
  return { ...s, metrics, logger, handler, retried, store, queue, fanOutDeps };
};

describe('worker handler', () => {
  it('reads the parts of an organization-wide run, and the part that completes the read plans the run', async () => {
    // Prepare: a run the fan-out started, whose parts are queued
    const { handler, store, queue, fanOutDeps, logger } = setup();
    const origin = { eventId: 'sweep-1', eventName: 'Scheduled Event', source: 'aws.scheduler' };
    await beginOrganizationRun(fanOutDeps(), 'schedule', origin);
    const parts = queue.drain();

    // Act
    const response = await handler(
      { Records: parts.map((part) => record({ kind: 'all' }, JSON.stringify(part), messageGroupId(part))) },
      context,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.getRun('schedule-sweep-1'))?.status).toBe('planned');
    expect(queue.scopeKeys()).toContain(`account:${PROD}`);
    expect(logger.messages().filter((m) => m === 'Run part read')).toHaveLength(parts.length);
  });

  it('counts the grants a read part applies as it reads as reconciles, and logs one that failed as a warning without failing the record', async () => {
    // Prepare: a run whose parts are queued, a worker that grants while it reads, and every create
    // on the Shared account failing
    const { org, handler, store, queue, fanOutDeps, logger, metrics } = setup(undefined, false, true);
    const origin = { eventId: 'sweep-1', eventName: 'Scheduled Event', source: 'aws.scheduler' };
    await beginOrganizationRun(fanOutDeps(), 'schedule', origin);
    const parts = queue.drain();
    org.failOn('createAccountAssignment', new AssignmentOperationError('create', 'the service is unavailable'), {
      match: ([a]) => (a as { accountId: string }).accountId === SHARED,
    });

    // Act
    const response = await handler(
      { Records: parts.map((part) => record({ kind: 'all' }, JSON.stringify(part), messageGroupId(part))) },
      context,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.getRun('schedule-sweep-1'))?.status).toBe('planned');
    expect(metrics.total('AssignmentsCreated')).toBeGreaterThan(0);
    expect(metrics.total('ReconcileFailures')).toBe(0);
    const warned = logger.entries.filter((e) => e.level === 'warn');
    expect(warned.map((e) => [e.message, e.attributes[0]?.scope])).toEqual([
      ['Grants while reading failed; the run plan queues them', `account:${SHARED}`],
    ]);
    // The failed grants are queued with the run's plan; the others were applied already.
    expect(queue.scopeKeys()).toContain(`account:${SHARED}`);
    expect(logger.messages('info').filter((m) => m === 'Grants applied while reading').length).toBeGreaterThan(0);
  });

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

  it('brings a throttled record and the skipped records of its group back within seconds', async () => {
    // Prepare
    const { org, handler, retried } = setup();
    org.failOn('describeAccount', throttle(), { times: 1, match: ([id]) => id === PROD });
    const first = record(account(PROD));
    const other = record(account(SHARED));
    const later = record(account(PROD));

    // Act
    await handler({ Records: [first, other, later] }, context);

    // Assess
    expect(retried).toEqual([
      { messageId: first.messageId, seconds: 4 },
      { messageId: later.messageId, seconds: 4 },
    ]);
  });

  it('leaves a record that failed for another reason to the queue visibility timeout', async () => {
    // Prepare
    const { org, handler, retried } = setup();
    org.failOn('describeAccount', new Error('AccessDenied'), { times: 1, match: ([id]) => id === PROD });

    // Act
    await handler({ Records: [record(account(PROD)), record(account(SHARED))] }, context);

    // Assess
    expect(retried).toEqual([]);
  });

  it('brings the records back soon when every record of the batch was throttled', async () => {
    // Prepare
    const { org, handler, retried } = setup();
    org.failOn('describeAccount', throttle(), { times: 1, match: ([id]) => id === PROD });
    const only = record(account(PROD));

    // Act
    const run = handler({ Records: [only] }, context);

    // Assess
    await expect(run).rejects.toThrow();
    expect(retried.map((r) => r.messageId)).toEqual([only.messageId]);
  });

  it('still reports the throttled record as failed when its visibility cannot be changed', async () => {
    // Prepare
    const { org, handler, logger } = setup(undefined, true);
    org.failOn('describeAccount', throttle(), { times: 1, match: ([id]) => id === PROD });
    const failing = record(account(PROD));

    // Act
    const response = await handler({ Records: [failing, record(account(SHARED))] }, context);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
    expect(logger.messages('error')).toEqual(['Reconcile failed', 'Visibility change failed']);
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

  it('counts RulesRejected for every record reconciled while a rules document is rejected', async () => {
    // Prepare
    const { rules, metrics, handler } = setup();
    rules.set(storyRules(), [{ document: '/idc-lifecycle/rules/workloads', message: 'invalid', fallbackVersion: 2 }]);

    // Act
    await handler({ Records: [record(account(PROD)), record(account(SHARED))] }, context);

    // Assess
    expect(metrics.total('RulesRejected')).toBe(2);
  });
});
