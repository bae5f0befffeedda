import { describe, expect, it } from 'vitest';
import { RulesUnavailableError } from '../../shared/domain/errors.js';
import { MetricNames } from '../../shared/runtime/metrics.js';
import { assignmentLabels, CONVERGED, remainingDrift } from './support/convergence.js';
import { moveAccount, parameterChange } from './support/events.js';
import {
  PROD_ACCOUNTS,
  PROD_OU,
  ROOT,
  SETTINGS_DOCUMENT,
  SETTINGS_YAML,
  WORKLOADS_DOCUMENT,
  WORKLOADS_YAML,
} from './support/fixture.js';
import { convergedSystemPerTest } from './support/per-test.js';
import type { ResilienceSystem } from './support/system.js';
import { intendRules, scoreEveryScenario } from './support/tally.js';

const startConverged = convergedSystemPerTest();

const NEW_ACCOUNT = '444400000001';

/** A vended account lands in /Workloads/Prod and its MoveAccount event reaches the intake. */
const vendIntoProd = async (s: ResilienceSystem, eventId: string): Promise<void> => {
  s.emulator.world.createAccount({ id: NEW_ACCOUNT, name: 'vended', email: 'vended@example.com' });
  s.emulator.world.moveAccount(NEW_ACCOUNT, PROD_OU);
  await s.intake(moveAccount(eventId, NEW_ACCOUNT, ROOT, PROD_OU));
};

/**
 * Keeps only the sandbox rule, and misspells `targets`. Were it applied, every production
 * grant (12 assignments, under the guard's 25) would be revoked.
 */
const INVALID_WORKLOADS_YAML = `version: 1
assignments:
  - id: sandbox-power
    principals:
      - group: Developers
    permissionSets: [PowerUserAccess]
    targts:
      organizationalUnits: [/Sandbox]
`;

/** Replaces every production grant with one for Auditors: three revocations per production account. */
const NARROWED_WORKLOADS_YAML = `version: 1
assignments:
  - id: auditors-prod-read
    principals:
      - group: Auditors
    permissionSets: [ReadOnlyAccess]
    targets:
      organizationalUnits: [/Workloads/Prod]
  - id: sandbox-power
    principals:
      - group: Developers
    permissionSets: [PowerUserAccess]
    targets:
      organizationalUnits: [/Sandbox]
`;

const deletes = (s: ResilienceSystem) => s.writes.filter((w) => w.operation === 'delete');

scoreEveryScenario();

describe('resilience: rules and Parameter Store', () => {
  it('keeps the last valid rules in force, announces the rejection and revokes nothing when an invalid document is published', async () => {
    // Prepare
    const s = await startConverged();
    const before = s.snapshot().assignments;
    s.emulator.world.putParameter(WORKLOADS_DOCUMENT, INVALID_WORKLOADS_YAML);

    // Act
    await s.fanout(parameterChange('ssm-update-1', WORKLOADS_DOCUMENT, 'Update'));
    await s.drain();
    await vendIntoProd(s, 'move-after-rejection');
    await s.drain();

    // Assess
    const rejected = s.publisher.ofType('Rules Rejected');
    expect(rejected.map((e) => [e.detail.document, e.detail.fallbackVersion])).toEqual([[WORKLOADS_DOCUMENT, 1]]);
    expect(String(rejected[0]?.detail.message)).toContain('targts');
    // The fan-out counts the rejection once, and every reconcile under the rejected rules again,
    // so that the alarm stays raised between sweeps.
    const reconciles = s.logger.entries.filter((e) => e.message === 'Scope reconciled').length;
    expect(reconciles).toBeGreaterThan(0);
    expect(s.metrics.total(MetricNames.rulesRejected)).toBe(1 + reconciles);
    expect(s.notifier.notifications.map((n) => n.subject)).toContain('idc-lifecycle: rules document rejected');
    expect(deletes(s)).toEqual([]);
    expect(s.snapshot().assignments).toEqual(expect.arrayContaining(before));
    // The last valid version still grants: the account vended after the rejection got its access.
    expect(assignmentLabels(s.snapshot(), NEW_ACCOUNT)).toHaveLength(3);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });

  it('stops with RulesUnavailableError and revokes nothing when every rules document is deleted', async () => {
    // Prepare
    const s = await startConverged();
    const before = s.snapshot();
    s.emulator.world.deleteParameter(SETTINGS_DOCUMENT);
    s.emulator.world.deleteParameter(WORKLOADS_DOCUMENT);

    // Act: the deletions reach the fan-out; an account event reaches a worker environment that
    // has not cached the rules (a cold start, or its cache expired).
    const sweep = await s.invoke('fanout', parameterChange('ssm-delete-1', WORKLOADS_DOCUMENT, 'Delete'));
    await vendIntoProd(s, 'move-without-rules');
    const deliveries = await s.drain({ workers: [s.startWorker()] });

    // Assess
    expect(sweep.delivered).toBe(false);
    expect(sweep.errors.map((e) => (e as Error).name)).toEqual(Array(3).fill(RulesUnavailableError.name));
    expect(deliveries.every((d) => d.failedIds.size === d.records.length)).toBe(true);
    expect(s.queue.deadLetters.map((m) => m.groupId)).toEqual([`account:${NEW_ACCOUNT}`]);
    expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(5);
    const logged = s.logger.entries.filter((e) => e.message === 'Reconcile failed');
    expect(logged.map((e) => (e.attributes[0]?.error as Error | undefined)?.name)).toEqual(
      Array(5).fill('RulesUnavailableError'),
    );
    expect(s.writes).toEqual([]);
    expect(s.snapshot().assignments).toEqual(before.assignments);
  });

  it.each([
    ['a 5xx error', { error: 'InternalServerError', count: 1_000 }],
    ['AccessDenied', { error: 'AccessDeniedException', count: 1_000 }],
  ])(
    'fails the work item and revokes nothing while GetParametersByPath answers %s, and converges once it recovers',
    async (_name, fault) => {
      // Prepare
      const s = await startConverged();
      const before = s.snapshot();
      s.emulator.setFaults({ scripted: [{ operation: 'GetParametersByPath', ...fault }] });
      const worker = s.startWorker();
      await vendIntoProd(s, 'move-during-outage');

      // Act
      const during = await s.deliver(worker);
      const duringSnapshot = s.snapshot();
      const sweep = await s.invoke('fanout', parameterChange('ssm-update-2', WORKLOADS_DOCUMENT, 'Update'));
      s.emulator.setFaults({});
      await s.drain({ workers: [worker] });

      // Assess
      expect(during.failedIds.size).toBe(1);
      expect(sweep.delivered).toBe(false);
      expect(s.metrics.total(MetricNames.reconcileFailures)).toBe(1);
      expect(duringSnapshot.assignments).toEqual(before.assignments);
      expect(deletes(s)).toEqual([]);
      expect(assignmentLabels(s.snapshot(), NEW_ACCOUNT)).toHaveLength(3);
      expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
    },
  );

  it('applies the grants, holds every revocation of the run and lists them in one Run Blocked event when a rules change would revoke beyond maxPerRun', async () => {
    // Prepare
    const s = await startConverged();
    const before = s.snapshot().assignments;
    const guarded = SETTINGS_YAML.replace('maxPerRun: 25', 'maxPerRun: 2');
    s.emulator.world.putParameter(SETTINGS_DOCUMENT, guarded);
    s.emulator.world.putParameter(WORKLOADS_DOCUMENT, NARROWED_WORKLOADS_YAML);
    const documents = [
      { name: SETTINGS_DOCUMENT, value: guarded },
      { name: WORKLOADS_DOCUMENT, value: NARROWED_WORKLOADS_YAML },
    ];

    // Act
    await s.fanout(parameterChange('ssm-update-settings', SETTINGS_DOCUMENT, 'Update'));
    await s.fanout(parameterChange('ssm-update-workloads', WORKLOADS_DOCUMENT, 'Update'));
    const deliveries = await s.drain();

    // Assess: each rules change is one run, held as a whole: three revocations on each of four
    // production accounts are twelve, over maxPerRun though no account alone is.
    expect(deliveries.every((d) => d.failedIds.size === 0)).toBe(true);
    expect(deletes(s)).toEqual([]);
    expect(s.snapshot().assignments).toEqual(expect.arrayContaining(before));
    for (const accountId of PROD_ACCOUNTS) {
      expect(assignmentLabels(s.snapshot(), accountId)).toContain(`${accountId} ReadOnlyAccess Auditors`);
    }
    const blocked = s.publisher.ofType('Run Blocked');
    expect(blocked).toHaveLength(2);
    for (const event of blocked) {
      expect(event.detail.wouldDelete).toBe(12);
      const [held] = event.detail.blocked as { changes: { accountId: string; reason: string }[] }[];
      expect(new Set(held?.changes.map((c) => c.accountId))).toEqual(new Set(PROD_ACCOUNTS));
    }
    expect(s.notifier.notifications.filter((n) => n.subject.includes('held for approval'))).toHaveLength(2);
    expect(remainingDrift(s.snapshot(), documents)).toEqual({ create: [], delete: [], blocked: 12 });
  });

  it('applies exactly the held revocations once the blocked run is approved', async () => {
    // Prepare: a blocked rules-change run
    const s = await startConverged();
    const guarded = SETTINGS_YAML.replace('maxPerRun: 25', 'maxPerRun: 2');
    s.emulator.world.putParameter(SETTINGS_DOCUMENT, guarded);
    s.emulator.world.putParameter(WORKLOADS_DOCUMENT, NARROWED_WORKLOADS_YAML);
    // The narrowed rules are what this scenario means to be in force: their revocations are right.
    intendRules(s, [
      { name: SETTINGS_DOCUMENT, value: guarded },
      { name: WORKLOADS_DOCUMENT, value: NARROWED_WORKLOADS_YAML },
    ]);
    await s.fanout(parameterChange('ssm-update-both', WORKLOADS_DOCUMENT, 'Update'));
    await s.drain();
    const runId = s.publisher.ofType('Run Blocked')[0]?.detail.runId as string;

    // Act
    await s.fanout({
      id: 'approval-1',
      source: 'idc-lifecycle.approval',
      'detail-type': 'Run Approval',
      detail: { runId, approvedBy: 'platform-team' },
    });
    const deliveries = await s.drain();

    // Assess
    expect(deliveries.every((d) => d.failedIds.size === 0)).toBe(true);
    expect(deletes(s)).toHaveLength(12);
    expect(
      remainingDrift(s.snapshot(), [
        { name: SETTINGS_DOCUMENT, value: guarded },
        { name: WORKLOADS_DOCUMENT, value: NARROWED_WORKLOADS_YAML },
      ]),
    ).toEqual(CONVERGED);
  });

  it('keeps the rules in force, rejects the newcomer and revokes nothing when a document valid on its own clashes with the others', async () => {
    // Prepare: a new document repeats the rule ids of another one; each document passes on its own.
    const s = await startConverged();
    const before = s.snapshot().assignments;
    s.emulator.world.putParameter('/idc-lifecycle/rules/extra', WORKLOADS_YAML);

    // Act
    await s.fanout(parameterChange('ssm-create-extra', '/idc-lifecycle/rules/extra', 'Create'));
    await s.drain();
    await vendIntoProd(s, 'move-with-clashing-rules');
    await s.drain();

    // Assess
    const rejected = s.publisher.ofType('Rules Rejected');
    expect(rejected.map((e) => e.detail.document)).toEqual(['/idc-lifecycle/rules/extra']);
    expect(String(rejected[0]?.detail.message)).toContain('conflicts with the other rules documents');
    expect(deletes(s)).toEqual([]);
    expect(s.snapshot().assignments).toEqual(expect.arrayContaining(before));
    // The rules in force still grant: the account vended after the rejection got its access.
    expect(assignmentLabels(s.snapshot(), NEW_ACCOUNT)).toHaveLength(3);
    expect(remainingDrift(s.snapshot())).toEqual(CONVERGED);
  });
});
