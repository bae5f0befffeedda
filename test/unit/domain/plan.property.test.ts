import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Account, OrganizationView } from '../../../shared/domain/model.js';
import { plan } from '../../../shared/domain/plan.js';
import type { AssignmentRule, RuleSet } from '../../../shared/domain/rules/schema.js';
import { applyPlanToWorld, type GeneratedWorld, ouPath, worldArbitrary } from '../../support/org-arbitrary.js';

const RUNS = { numRuns: 300 };

const planWorld = (world: GeneratedWorld) =>
  plan({
    ruleSet: world.ruleSet,
    view: world.view,
    actualAssignments: world.actualAssignments,
    actualMemberships: world.actualMemberships,
  });

/** The managed permission set names, computed from the settings without the domain code. */
const managedNames = (ruleSet: RuleSet, view: OrganizationView): Set<string> => {
  const managed = ruleSet.settings.managedPermissionSets;
  const names =
    managed === 'all'
      ? view.permissionSets.map((p) => p.name)
      : managed === undefined
        ? ruleSet.assignments.flatMap((r) => r.permissionSets)
        : managed;
  return new Set(names.filter((n) => !ruleSet.settings.protected.permissionSets.includes(n)));
};

/** Whether `ouId` is the account's parent or an ancestor of it, by walking parents. */
const isUnder = (view: OrganizationView, account: Account, ouId: string): boolean => {
  let current: string | null = account.parentId;
  for (let hops = 0; current !== null && hops < 100; hops++) {
    if (current === ouId) return true;
    const parentOf: string = current;
    current = view.organizationalUnits.find((o) => o.id === parentOf)?.parentId ?? null;
  }
  return false;
};

const resolveOu = (view: OrganizationView, ref: string): string | undefined =>
  ref.startsWith('/')
    ? view.organizationalUnits.find((o) => ouPath(view.organizationalUnits, o.id) === ref)?.id
    : view.organizationalUnits.find((o) => o.id === ref)?.id;

/**
 * Every account a rule's targets could select, computed naively: an unknown OU target could mean
 * any account; unread tags could match.
 */
const couldSelect = (view: OrganizationView, rule: AssignmentRule): Set<string> => {
  const { targets } = rule;
  const ouIds = (targets.organizationalUnits ?? []).map((ref) => resolveOu(view, ref));
  const everything =
    (targets.organizationalUnits === undefined && targets.accounts === undefined) || ouIds.includes(undefined);
  const excludedOus = (targets.exclude?.organizationalUnits ?? []).map((ref) => resolveOu(view, ref));
  return new Set(
    view.accounts
      .filter(
        (a) =>
          everything ||
          (targets.accounts ?? []).includes(a.id) ||
          ouIds.some((id) => id !== undefined && isUnder(view, a, id)),
      )
      .filter((a) => !(targets.exclude?.accounts ?? []).includes(a.id))
      .filter((a) => !excludedOus.some((id) => id !== undefined && isUnder(view, a, id)))
      .filter((a) => {
        const wanted = targets.accountTags;
        if (wanted === undefined || a.tags === undefined) return true;
        return Object.entries(wanted).every(
          ([k, values]) => a.tags?.[k] !== undefined && values.includes(a.tags[k] as string),
        );
      })
      .map((a) => a.id),
  );
};

describe('plan (properties)', () => {
  it('converges: applying a plan and planning again changes nothing', () => {
    fc.assert(
      fc.property(worldArbitrary({ guard: false }), (world) => {
        const first = planWorld(world);

        const second = planWorld(applyPlanToWorld(world, first));

        expect(second.create).toEqual([]);
        expect(second.delete).toEqual([]);
        expect(second.memberships).toEqual({ add: [], remove: [] });
      }),
      RUNS,
    );
  });

  it('never deletes outside its authority: unmanaged or protected permission sets, protected principals or accounts, the management account, inactive accounts', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const { ruleSet, view } = world;
        const managed = managedNames(ruleSet, view);
        const protectedNames = new Set(
          ruleSet.settings.protected.principals.map((p) => ('group' in p ? p.group : p.user)),
        );

        const p = planWorld(world);

        for (const d of p.delete) {
          expect(managed.has(d.permissionSetName)).toBe(true);
          expect(protectedNames.has(d.principalName)).toBe(false);
          expect(ruleSet.settings.protected.accounts).not.toContain(d.accountId);
          expect(view.accounts.find((a) => a.id === d.accountId)?.status).toBe('ACTIVE');
          if (!ruleSet.settings.includeManagementAccount) expect(d.accountId).not.toBe(view.managementAccountId);
        }
        for (const c of p.create) {
          expect(protectedNames.has(c.principalName)).toBe(false);
          expect(ruleSet.settings.protected.permissionSets).not.toContain(c.permissionSetName);
        }
      }),
      RUNS,
    );
  });

  it('never deletes on an account that a rule with an unresolved reference could select', () => {
    fc.assert(
      fc.property(worldArbitrary({ guard: false }), (world) => {
        const p = planWorld(world);

        const failed = new Set(p.errors.map((e) => e.ruleId));
        const unsafe = new Set(
          world.ruleSet.assignments.filter((r) => failed.has(r.id)).flatMap((r) => [...couldSelect(world.view, r)]),
        );
        for (const d of p.delete) expect(unsafe.has(d.accountId)).toBe(false);
      }),
      RUNS,
    );
  });

  it('never removes a member from a group of a membership rule that failed to resolve', () => {
    fc.assert(
      fc.property(worldArbitrary({ guard: false }), (world) => {
        const p = planWorld(world);

        const failed = new Set(p.errors.map((e) => e.ruleId));
        const groupNames = new Set(world.ruleSet.memberships.filter((r) => failed.has(r.id)).flatMap((r) => r.groups));
        const groupIds = new Set(world.view.groups.filter((g) => groupNames.has(g.displayName)).map((g) => g.id));
        for (const r of p.memberships.remove) expect(groupIds.has(r.groupId)).toBe(false);
      }),
      RUNS,
    );
  });

  it('never revokes more than the guard allows', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const p = planWorld(world);

        expect(p.delete.length).toBeLessThanOrEqual(world.ruleSet.settings.revocationGuard.maxPerRun);
        expect(p.memberships.remove.length).toBeLessThanOrEqual(world.ruleSet.settings.revocationGuard.maxPerRun);
      }),
      RUNS,
    );
  });

  it('gives the same plan whatever the order of the actual assignments', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const reversed = {
          ...world,
          actualAssignments: [...world.actualAssignments].reverse(),
          actualMemberships: [...world.actualMemberships].reverse(),
        };

        expect(planWorld(reversed)).toEqual(planWorld(world));
      }),
      RUNS,
    );
  });
});
