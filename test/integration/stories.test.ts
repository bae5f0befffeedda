import { afterEach, describe, expect, it } from 'vitest';
import { applyEventEffect } from '../../cli/local/event-effects.js';
import type { LocalSystem } from '../../cli/local/harness.js';
import { plan } from '../../shared/domain/plan.js';
import { loadRuleSet } from '../../shared/domain/rules/load.js';
import { snapshotView } from '../../shared/domain/snapshot.js';
import {
  closeAccount,
  closeAccountResult,
  consoleCreateUser,
  consoleDisableUser,
  createAccountResult,
  deleteGroup,
  moveAccount,
  parameterChanged,
  removeAccountFromOrganization,
  scimDeleteUser,
} from './support/events.js';
import {
  ALICE,
  accessOn,
  assignmentsOf,
  BOB,
  DATA_ENGINEERS,
  DEVELOPERS,
  exampleRules,
  exampleSystem,
  groupsOf,
  ML_PROD,
  NEW_ACCOUNT,
  newSre,
  PAYMENTS_PROD,
  PROD,
  ROOT,
  rulesUpdate,
  SANDBOX_BOB,
} from './support/examples.js';

/**
 * End-to-end stories on the example organization: each event first happens in the emulator, then
 * goes through the real intake parsing, the in-memory FIFO queue and the real worker with the real
 * adapters. Every test asserts the emulator's end state, not the outcome objects.
 */

let system: LocalSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

/** Makes the event happen in the world, then delivers it. */
const happen = async (s: LocalSystem, event: unknown) => {
  applyEventEffect(s.world, event);
  return s.deliver(event);
};

describe('an account vended into the root and then moved into an OU', () => {
  it('gets root-level access first and exactly the OU’s access after the move', async () => {
    // Prepare
    system = await exampleSystem();

    // Act
    await happen(system, createAccountResult(NEW_ACCOUNT));
    const inRoot = accessOn(system.snapshot(), NEW_ACCOUNT);
    await happen(system, moveAccount(NEW_ACCOUNT, ROOT, PROD));

    // Assess
    expect(inRoot).toEqual(['ViewOnlyAccess GROUP Security Auditors']);
    expect(accessOn(system.snapshot(), NEW_ACCOUNT)).toEqual([
      'AdministratorAccess GROUP Platform Admins',
      'ReadOnlyAccess USER alice@example.com',
      'ReadOnlyAccess USER dave@example.com',
      'ViewOnlyAccess GROUP Security Auditors',
    ]);
  });
});

describe('a user created in the directory', () => {
  it('gets the assignments an attribute selector gives its title', async () => {
    // Prepare
    system = await exampleSystem();
    const sre = newSre('c0ffee00-0000-4000-8000-000000000001');
    system.world.createUser(sre);

    // Act
    await happen(system, consoleCreateUser(sre.id));

    // Assess
    expect(assignmentsOf(system.snapshot(), sre.id)).toEqual([
      '444455550001 ReadOnlyAccess',
      '444455550002 ReadOnlyAccess',
      '444455550003 ReadOnlyAccess',
      '444455550004 ReadOnlyAccess',
    ]);
  });

  it('gets the birthright membership its attributes call for', async () => {
    // Prepare
    system = await exampleSystem();
    const id = 'c0ffee00-0000-4000-8000-000000000002';
    system.world.createUser({
      id,
      userName: 'sam@example.com',
      active: true,
      title: 'Software Engineer',
      department: 'Engineering',
    });

    // Act
    await happen(system, consoleCreateUser(id));

    // Assess
    expect(groupsOf(system.snapshot(), id)).toEqual(['Developers']);
    expect(assignmentsOf(system.snapshot(), id)).toEqual([]);
  });
});

describe('a user disabled in the console', () => {
  it('loses every direct assignment and every group membership', async () => {
    // Prepare
    system = await exampleSystem();
    expect(assignmentsOf(system.snapshot(), ALICE)).toHaveLength(3);

    // Act
    await happen(system, consoleDisableUser(ALICE));

    // Assess
    const end = system.snapshot();
    expect(assignmentsOf(end, ALICE)).toEqual([]);
    expect(groupsOf(end, ALICE)).toEqual([]);
    expect(end.users.find((u) => u.id === ALICE)?.active).toBe(false);
  });
});

describe('a user deleted through SCIM', () => {
  it('leaves no orphaned assignment behind and touches nobody else', async () => {
    // Prepare
    system = await exampleSystem();
    const start = system.snapshot();
    expect(assignmentsOf(start, BOB)).toEqual(['555566660002 AdministratorAccess']);

    // Act
    await happen(system, scimDeleteUser(BOB));

    // Assess
    const end = system.snapshot();
    expect(end.users.some((u) => u.id === BOB)).toBe(false);
    expect(assignmentsOf(end, BOB)).toEqual([]);
    expect(assignmentsOf(end, DEVELOPERS)).toEqual(assignmentsOf(start, DEVELOPERS));
  });
});

describe('a group deleted through the Identity Store API', () => {
  it('leaves none of the group’s assignments behind', async () => {
    // Prepare
    system = await exampleSystem();
    expect(assignmentsOf(system.snapshot(), DATA_ENGINEERS)).toHaveLength(2);

    // Act
    await happen(system, deleteGroup(DATA_ENGINEERS));

    // Assess
    expect(assignmentsOf(system.snapshot(), DATA_ENGINEERS)).toEqual([]);
  });
});

describe('an account that leaves the organization', () => {
  it('keeps its access while it is closing, since a closure can still fail', async () => {
    // Prepare
    system = await exampleSystem();
    const before = accessOn(system.snapshot(), PAYMENTS_PROD);

    // Act
    await happen(system, closeAccount(PAYMENTS_PROD));

    // Assess
    const end = system.snapshot();
    expect(end.accounts.find((a) => a.id === PAYMENTS_PROD)?.status).toBe('PENDING_CLOSURE');
    expect(accessOn(end, PAYMENTS_PROD)).toEqual(before);
  });

  it('keeps only unmanaged assignments once its closure succeeds', async () => {
    // Prepare
    system = await exampleSystem();

    // Act
    await happen(system, closeAccount(PAYMENTS_PROD));
    await happen(system, closeAccountResult(PAYMENTS_PROD, 'SUCCEEDED'));

    // Assess
    const end = system.snapshot();
    expect(end.accounts.find((a) => a.id === PAYMENTS_PROD)?.status).toBe('SUSPENDED');
    expect(accessOn(end, PAYMENTS_PROD)).toEqual(['BillingAccess GROUP FinOps']);
  });

  it('is gone with its assignments once removed, and no other account changes', async () => {
    // Prepare
    system = await exampleSystem();
    const start = system.snapshot();
    const elsewhere = start.assignments.filter((a) => a.accountId !== SANDBOX_BOB);

    // Act
    await happen(system, removeAccountFromOrganization(SANDBOX_BOB));

    // Assess
    const end = system.snapshot();
    expect(end.accounts.some((a) => a.id === SANDBOX_BOB)).toBe(false);
    expect(end.assignments).toEqual(elsewhere);
  });
});

describe('a rules change announced by SSM', () => {
  it('fans out and leaves the organization where the new rules want it', async () => {
    // Prepare
    system = await exampleSystem();
    const update = rulesUpdate();
    system.publishRules([update]);

    // Act
    const result = await happen(system, parameterChanged(`${system.rulesPath}${update.name}`));

    // Assess
    const loaded = loadRuleSet([...exampleRules().filter((r) => r.name !== update.name), update]);
    if (!loaded.ok) throw new Error('the updated example rules should be valid');
    const end = system.snapshot();
    const remaining = plan({
      ruleSet: loaded.ruleSet,
      view: snapshotView(end),
      actualAssignments: end.assignments,
      actualMemberships: end.groupMemberships,
    });
    expect(result.scopes).toEqual(['all']);
    expect(remaining.create).toEqual([]);
    expect(remaining.delete).toEqual([]);
    expect(accessOn(end, ML_PROD)).toContain('PowerUserAccess GROUP Data Engineers');
  });
});
