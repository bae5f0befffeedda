import { afterEach, describe, expect, it } from 'vitest';
import { applyEventEffect } from '../../cli/local/event-effects.js';
import { type LocalSystem, localWorkerRoleArn } from '../../cli/local/harness.js';
import { type AssignmentCall, assignmentWrite } from './support/events.js';
import { accessOn, exampleSystem } from './support/examples.js';

/**
 * Drift reported by CloudTrail: an assignment created or deleted outside the automation is
 * repaired when its record arrives, and the worker's own writes never come back as work
 * (docs/events.md, "Drift").
 */

let system: LocalSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const MANAGEMENT = '111122223333';
/** payments-staging: its access is what the example rules give /Workloads/Staging, nothing to repair. */
const PAYMENTS_STAGING = '555566660001';
const PS = 'arn:aws:sso:::permissionSet/ssoins-7223be8d4e9143ea';
const ADMINISTRATOR_ACCESS = `${PS}/ps-ab65ab42ce0cd851`;
const POWER_USER_ACCESS = `${PS}/ps-91ecbf7c67698bb1`;
const BILLING_ACCESS = `${PS}/ps-0c39e19bc20fbf2f`;
const MALLORY = '86974620-04f0-4614-a3fe-7b24d7bf9ef3';
const DEVELOPERS = '5005a685-ee71-4d1b-b3a8-051c7f160f3c';

const call = (
  permissionSetArn: string,
  principalId: string,
  principalType: 'USER' | 'GROUP' = 'USER',
): AssignmentCall => ({
  accountId: PAYMENTS_STAGING,
  permissionSetArn,
  principalType,
  principalId,
});

/** Makes the hand-made change happen, then delivers its record, as CloudTrail would after it. */
const byHand = async (s: LocalSystem, event: ReturnType<typeof assignmentWrite>) => {
  applyEventEffect(s.world, event);
  return s.deliver(event);
};

describe('drift reported by CloudTrail', () => {
  it('revokes a hand-made assignment of a managed permission set as soon as its record arrives', async () => {
    // Prepare
    system = await exampleSystem();
    const before = accessOn(system.snapshot(), PAYMENTS_STAGING);

    // Act
    const result = await byHand(
      system,
      assignmentWrite('CreateAccountAssignment', call(ADMINISTRATOR_ACCESS, MALLORY)),
    );

    // Assess
    expect(result.scopes).toEqual([`account:${PAYMENTS_STAGING}`]);
    expect(accessOn(system.snapshot(), PAYMENTS_STAGING)).toEqual(before);
  });

  it('grants back a wanted assignment deleted by hand', async () => {
    // Prepare
    system = await exampleSystem();
    const before = accessOn(system.snapshot(), PAYMENTS_STAGING);

    // Act
    await byHand(system, assignmentWrite('DeleteAccountAssignment', call(POWER_USER_ACCESS, DEVELOPERS, 'GROUP')));

    // Assess
    expect(accessOn(system.snapshot(), PAYMENTS_STAGING)).toEqual(before);
    expect(before).toContain('PowerUserAccess GROUP Developers');
  });

  it('leaves a hand-made assignment of a permission set the rules do not manage in place', async () => {
    // Prepare
    system = await exampleSystem();

    // Act
    const result = await byHand(system, assignmentWrite('CreateAccountAssignment', call(BILLING_ACCESS, MALLORY)));

    // Assess
    expect(result.scopes).toEqual([`account:${PAYMENTS_STAGING}`]);
    expect(accessOn(system.snapshot(), PAYMENTS_STAGING)).toContain('BillingAccess USER mallory@example.com');
  });

  it("ignores the records of the worker's own repairs, so a repair never queues another", async () => {
    // Prepare
    system = await exampleSystem();
    const repaired = await byHand(
      system,
      assignmentWrite('CreateAccountAssignment', call(ADMINISTRATOR_ACCESS, MALLORY)),
    );
    const revocations = repaired.reconciles.flatMap((r) => r.changes.delete);
    expect(revocations).toHaveLength(1);

    // Act: CloudTrail reports each write the worker made.
    const echoes = await Promise.all(
      revocations.map((d) =>
        system?.deliver(
          assignmentWrite(
            'DeleteAccountAssignment',
            { ...d, principalType: d.principalType },
            localWorkerRoleArn(MANAGEMENT),
          ),
        ),
      ),
    );

    // Assess
    for (const echo of echoes) {
      expect(echo?.status).toBe('ignored');
      expect(echo?.reconciles).toEqual([]);
    }
  });

  it('repairs a burst of hand-made changes on one account with one revocation, however many records arrive', async () => {
    // Prepare
    system = await exampleSystem();
    const first = assignmentWrite('CreateAccountAssignment', call(ADMINISTRATOR_ACCESS, MALLORY));
    applyEventEffect(system.world, first);

    // Act: the same drift reported by ten records (CloudTrail and EventBridge may repeat themselves).
    const results = [];
    for (let i = 0; i < 10; i++) {
      results.push(
        await system.deliver(assignmentWrite('CreateAccountAssignment', call(ADMINISTRATOR_ACCESS, MALLORY))),
      );
    }

    // Assess: the first reconcile repairs it; the others find nothing to change.
    const deletes = results.flatMap((r) => r.reconciles.flatMap((rec) => rec.changes.delete));
    expect(deletes).toHaveLength(1);
    expect(results.flatMap((r) => r.reconciles)).toHaveLength(10);
    expect(accessOn(system.snapshot(), PAYMENTS_STAGING)).not.toContain('AdministratorAccess USER mallory@example.com');
  });
});
