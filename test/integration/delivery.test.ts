import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEventEffect } from '../../cli/local/event-effects.js';
import type { LocalSystem } from '../../cli/local/harness.js';
import { consoleCreateUser, consoleDeleteUser, createAccountResult, moveAccount } from './support/events.js';
import {
  accessOn,
  assignmentsOf,
  DEV,
  exampleSystem,
  NEW_ACCOUNT,
  newSre,
  PROD,
  ROOT,
  STAGING,
} from './support/examples.js';

/**
 * Delivery as AWS makes it: repeated, out of order, late, and racing the directory. Each test
 * asserts the emulator's end state (docs/design.md §4 invariant 7).
 */

let system: LocalSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const STAGING_ACCESS = [
  'AdministratorAccess GROUP Platform Admins',
  'PowerUserAccess GROUP Developers',
  'ViewOnlyAccess GROUP Security Auditors',
];

/** A new account in the root, reconciled once. */
const vended = async (s: LocalSystem): Promise<void> => {
  const created = createAccountResult(NEW_ACCOUNT);
  applyEventEffect(s.world, created);
  await s.deliver(created);
};

describe('duplicate delivery', () => {
  it('is dropped by the queue within the deduplication window and changes nothing', async () => {
    // Prepare
    system = await exampleSystem();
    await vended(system);
    const move = moveAccount(NEW_ACCOUNT, ROOT, PROD);
    applyEventEffect(system.world, move);
    const first = await system.deliver(move);
    const afterFirst = system.snapshot();

    // Act
    const second = await system.deliver(move);

    // Assess
    expect(first.changes.create).toHaveLength(3);
    expect(second.deduplicated).toEqual([`account:${NEW_ACCOUNT}`]);
    expect(second.reconciles).toEqual([]);
    expect(system.snapshot()).toEqual(afterFirst);
  });

  it('costs one idempotent reconcile when it arrives after the window', async () => {
    // Prepare
    system = await exampleSystem({ deduplicationWindowMs: 0 });
    await vended(system);
    const move = moveAccount(NEW_ACCOUNT, ROOT, PROD);
    applyEventEffect(system.world, move);
    await system.deliver(move);
    const afterFirst = system.snapshot();

    // Act
    const second = await system.deliver(move);

    // Assess
    expect(second.reconciles.map((r) => r.scope)).toEqual([`account:${NEW_ACCOUNT}`]);
    expect(second.changes.create).toEqual([]);
    expect(second.changes.delete).toEqual([]);
    expect(system.snapshot()).toEqual(afterFirst);
  });
});

describe('reordered delivery', () => {
  it('leaves the account with the access of its current OU when a stale move arrives last', async () => {
    // Prepare
    system = await exampleSystem();
    await vended(system);
    const toProd = moveAccount(NEW_ACCOUNT, ROOT, PROD);
    const toStaging = moveAccount(NEW_ACCOUNT, PROD, STAGING);
    applyEventEffect(system.world, toProd);
    applyEventEffect(system.world, toStaging);

    // Act
    await system.deliver(toStaging);
    await system.deliver(toProd);

    // Assess
    expect(accessOn(system.snapshot(), NEW_ACCOUNT)).toEqual(STAGING_ACCESS);
  });
});

describe('an event about an account that has moved again since', () => {
  it('reconciles the account where it is now, not where the event says it went', async () => {
    // Prepare
    system = await exampleSystem();
    await vended(system);
    const toProd = moveAccount(NEW_ACCOUNT, ROOT, PROD);
    applyEventEffect(system.world, toProd);
    applyEventEffect(system.world, moveAccount(NEW_ACCOUNT, PROD, DEV));

    // Act
    await system.deliver(toProd);

    // Assess
    const end = system.snapshot();
    expect(end.accounts.find((a) => a.id === NEW_ACCOUNT)?.parentId).toBe(DEV);
    expect(accessOn(end, NEW_ACCOUNT)).toEqual(STAGING_ACCESS);
  });
});

describe('a user deleted while the worker is granting them access', () => {
  it('ends with no assignment for the user once their DeleteUser arrives', async () => {
    // Prepare: slow assignment requests (600 ms of wall time each) leave room to act mid-reconcile.
    system = await exampleSystem({ emulator: { assignmentLatencyMs: 120_000 } });
    const sre = newSre('c0ffee00-0000-4000-8000-000000000003');
    system.world.createUser(sre);
    const granting = system.deliver(consoleCreateUser(sre.id));
    const deadline = Date.now() + 10_000;
    while ((system.stats().calls.CreateAccountAssignment ?? 0) === 0 && Date.now() < deadline) await sleep(1);

    // Act
    system.world.deleteUser(sre.id);
    const interrupted = await granting;
    await system.deliver(consoleDeleteUser(sre.id));

    // Assess
    expect(system.stats().calls.CreateAccountAssignment ?? 0).toBeGreaterThan(0);
    expect(interrupted.failures.map((f) => f.scope)).toEqual([`principal:USER:${sre.id}`]);
    expect(assignmentsOf(system.snapshot(), sre.id)).toEqual([]);
  });
});
