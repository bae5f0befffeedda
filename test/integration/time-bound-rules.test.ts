import { afterEach, describe, expect, it } from 'vitest';
import { createLocalSystem, type LocalSystem } from '../../cli/local/harness.js';
import { RULE_BOUNDARY_COMMAND } from '../../shared/events/rule-boundary.js';
import { orgBuilder } from '../support/org-builder.js';

/**
 * A time-bound rule end to end: the minute check goes to the real fan-out composition, which asks
 * the rules (read from the emulated SSM) whether a window boundary passed and, if so, starts an
 * organization-wide run that the real worker reconciles against the emulator. Time is a manual
 * clock that the test moves, read by both functions.
 */

const T0 = Date.parse('2026-03-01T09:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const VALID_FROM = T0 + 10_000;
const VALID_UNTIL = T0 + 130_000;

const organization = orgBuilder()
  .managementAccount('111111111111')
  .account('200000000001', { ou: '/Workloads/Prod', name: 'payments-prod' })
  .account('200000000002', { ou: '/Workloads/Prod', name: 'orders-prod' })
  .permissionSet('IncidentAdmin')
  .permissionSet('ReadOnlyAccess')
  .group('Auditors')
  .user('bob@example.com')
  .assign('200000000001', 'ReadOnlyAccess', { group: 'Auditors' });

const RULES = `version: 1
assignments:
  - id: auditors
    principals: [{ group: Auditors }]
    permissionSets: [ReadOnlyAccess]
    targets: { organizationalUnits: [/Workloads/Prod] }
  - id: incident-4711
    principals: [{ user: bob@example.com }]
    permissionSets: [IncidentAdmin]
    targets: { accounts: ["200000000002"] }
    validFrom: ${iso(VALID_FROM)}
    validUntil: ${iso(VALID_UNTIL)}
`;

const minuteCheck = (scheduledTime: number) => ({
  'idc-lifecycle': RULE_BOUNDARY_COMMAND,
  executionId: `check-${scheduledTime}`,
  scheduledTime: iso(scheduledTime),
});

let system: LocalSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const holdsIncidentAdmin = (s: LocalSystem): boolean => {
  const snapshot = s.snapshot();
  const ps = snapshot.permissionSets.find((p) => p.name === 'IncidentAdmin')?.arn;
  const bob = snapshot.users.find((u) => u.userName === 'bob@example.com')?.id;
  return snapshot.assignments.some(
    (a) => a.accountId === '200000000002' && a.permissionSetArn === ps && a.principalId === bob,
  );
};

describe('a time-bound rule in the deployed shape', () => {
  it('grants in the minute its window opens and revokes in the minute it closes, and is quiet in between', async () => {
    let now = T0;
    system = await createLocalSystem({
      snapshot: organization.snapshot(),
      rules: [{ name: 'incident', text: RULES }],
      clock: { now: () => now },
    });

    now = T0 + 60_000;
    const opened = await system.deliver(minuteCheck(T0 + 60_000));
    const grantedAfterOpen = holdsIncidentAdmin(system);

    now = T0 + 120_000;
    const quiet = await system.deliver(minuteCheck(T0 + 120_000));
    const grantedInside = holdsIncidentAdmin(system);

    // The first check after validUntil (50 s after it) revokes.
    now = T0 + 180_000;
    const closed = await system.deliver(minuteCheck(T0 + 180_000));

    expect(opened.status).toBe('processed');
    expect(opened.failures).toEqual([]);
    expect(grantedAfterOpen).toBe(true);
    expect(quiet.status).toBe('ignored');
    expect(grantedInside).toBe(true);
    expect(closed.status).toBe('processed');
    expect(closed.changes.delete.map((d) => [d.accountId, d.permissionSetName, d.principalName])).toEqual([
      ['200000000002', 'IncidentAdmin', 'bob@example.com'],
    ]);
    expect(holdsIncidentAdmin(system)).toBe(false);
  });
});
