import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignmentKey, membershipKey } from '../../../../shared/domain/model.js';
import { plan } from '../../../../shared/domain/plan.js';
import type { Plan } from '../../../../shared/domain/plan-types.js';
import { planOrganizationRun } from '../../../../shared/domain/runs/organization-run.js';
import { plannedPermissionSets } from '../../../../shared/domain/runs/reconcile-run-part.js';
import { partAssignmentKey } from '../../../../shared/domain/runs/run.js';
import { isOffboarding, restrictToRun, runWorkItems } from '../../../../shared/domain/runs/run-work.js';
import { applyPlanToWorld, type GeneratedWorld, worldArbitrary } from '../../../support/org-arbitrary.js';

const RUNS = { numRuns: 200 };
const origin = { eventId: 'sweep-1', eventName: 'Scheduled Event', source: 'aws.scheduler' };

const runOf = (world: GeneratedWorld, guardBypassed = false) =>
  planOrganizationRun({
    ruleSet: world.ruleSet,
    view: world.view,
    actualAssignments: world.actualAssignments,
    actualMemberships: world.actualMemberships,
    guardBypassed,
  });

const isEmpty = (p: Plan): boolean =>
  p.create.length + p.delete.length + p.memberships.add.length + p.memberships.remove.length === 0;

const heldKeys = (p: Plan): Set<string> =>
  new Set(p.blocked.flatMap((b) => b.changes.map((c) => ('accountId' in c ? assignmentKey(c) : membershipKey(c)))));

describe('planOrganizationRun (properties)', () => {
  it('never revokes more than maxPerRun in one run unless the run is an approval', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const { plan: p } = runOf(world);
        const { maxPerRun } = world.ruleSet.settings.revocationGuard;

        expect(p.delete.length).toBeLessThanOrEqual(maxPerRun);
        expect(p.memberships.remove.length).toBeLessThanOrEqual(maxPerRun);
      }),
      RUNS,
    );
  });

  it('holds exactly the revocations it leaves out when the guard trips', () => {
    fc.assert(
      fc.property(worldArbitrary(), (world) => {
        const guarded = runOf(world).plan;
        const approved = runOf(world, true).plan;

        const applied = new Set([
          ...guarded.delete.map(assignmentKey),
          ...guarded.memberships.remove.map(membershipKey),
        ]);
        const held = heldKeys(guarded);
        for (const d of approved.delete) expect(applied.has(assignmentKey(d)) || held.has(assignmentKey(d))).toBe(true);
        for (const m of approved.memberships.remove) {
          expect(applied.has(membershipKey(m)) || held.has(membershipKey(m))).toBe(true);
        }
        expect(guarded.create).toEqual(approved.create);
      }),
      RUNS,
    );
  });

  it('plans nothing more once its plan is applied', () => {
    fc.assert(
      fc.property(worldArbitrary({ guard: false }), (world) => {
        const after = applyPlanToWorld(world, runOf(world).plan);

        expect(isEmpty(runOf(after).plan)).toBe(true);
      }),
      RUNS,
    );
  });

  it('leaves no assignment of a deleted principal or a disabled user but those it lists as held', () => {
    fc.assert(
      fc.property(worldArbitrary({ guard: false }), (world) => {
        const run = runOf(world).plan;
        const after = applyPlanToWorld(world, run);
        const users = new Map(world.view.users.map((u) => [u.id, u]));
        const groups = new Set(world.view.groups.map((g) => g.id));
        const held = heldKeys(run);

        for (const a of after.actualAssignments) {
          const gone =
            a.principalType === 'GROUP'
              ? !groups.has(a.principalId)
              : users.get(a.principalId)?.active !== true &&
                (users.has(a.principalId) === false || world.ruleSet.settings.offboarding.onUserDisabled);
          if (gone) expect(held.has(assignmentKey(a))).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

/**
 * A run planned on `world`, its work items, and the live state when its items run: drifted since
 * the run read it, some assignments gone (`keep` false) and some of its creates already made.
 */
const driftedSinceRun = (world: GeneratedWorld, keep: readonly boolean[]) => {
  const run = runOf(world).plan;
  const items = runWorkItems(run, { runId: 'run-1', rulesVersion: 'r-1', origin });
  const live: GeneratedWorld = {
    ...world,
    actualAssignments: [
      ...world.actualAssignments.filter((_, i) => keep[i % keep.length]),
      ...run.create.filter((_, i) => !keep[(i + 7) % keep.length]),
    ],
  };
  return { run, items, live, liveRun: runOf(live, true).plan };
};

describe('restrictToRun (properties)', () => {
  it('never lets a worker revoke, or grant, a change its run did not plan', () => {
    fc.assert(
      fc.property(
        worldArbitrary({ guard: false }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (world, keep) => {
          const { items, live, liveRun } = driftedSinceRun(world, keep);

          for (const item of items) {
            if (item.scope.kind !== 'account' || item.run?.planned === undefined) continue;
            const { accountId } = item.scope;
            const livePlan = plan({
              ruleSet: live.ruleSet,
              view: live.view,
              actualAssignments: live.actualAssignments,
              actualMemberships: live.actualMemberships,
              accountIds: new Set([accountId]),
              includeMemberships: false,
              guard: 'off',
            });
            const liveOffboarding = {
              delete: liveRun.delete.filter((d) => d.accountId === accountId && isOffboarding(d)),
              remove: [],
            };

            const restricted = restrictToRun(livePlan, item.run.planned, liveOffboarding);

            const planned = item.run.planned;
            const mayDelete = new Set([...(planned.delete ?? []), ...(planned.offboard ?? [])]);
            const liveKeys = new Set(
              live.actualAssignments.filter((a) => a.accountId === accountId).map(partAssignmentKey),
            );
            for (const d of restricted.delete) {
              expect(mayDelete.has(partAssignmentKey(d))).toBe(true);
              expect(liveKeys.has(partAssignmentKey(d))).toBe(true);
            }
            for (const c of restricted.create) {
              expect(planned.create ?? []).toContain(partAssignmentKey(c));
              expect(liveKeys.has(partAssignmentKey(c))).toBe(false);
            }
          }
        },
      ),
      RUNS,
    );
  });
});

describe('plannedPermissionSets (properties)', () => {
  it("gives a run's item the same changes from a read of its permission sets as from a read of every one", () => {
    fc.assert(
      fc.property(
        worldArbitrary({ guard: false }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (world, keep) => {
          const { items, live, liveRun } = driftedSinceRun(world, keep);

          for (const item of items) {
            if (item.scope.kind !== 'account' || item.run?.planned === undefined) continue;
            const { accountId } = item.scope;
            const planned = item.run.planned;
            const onAccount = live.actualAssignments.filter((a) => a.accountId === accountId);
            const read = new Set(plannedPermissionSets(planned));
            const restrictedFrom = (actualAssignments: typeof onAccount) => {
              const present = new Set(actualAssignments.map(partAssignmentKey));
              return restrictToRun(
                plan({
                  ruleSet: live.ruleSet,
                  view: live.view,
                  actualAssignments,
                  actualMemberships: live.actualMemberships,
                  accountIds: new Set([accountId]),
                  includeMemberships: false,
                  guard: 'off',
                }),
                planned,
                {
                  // As the worker re-checks it: planned offboarding of an assignment that is there.
                  delete: liveRun.delete.filter(
                    (d) => d.accountId === accountId && isOffboarding(d) && present.has(partAssignmentKey(d)),
                  ),
                  remove: [],
                },
              );
            };

            const fromEvery = restrictedFrom(onAccount);
            const fromPlanned = restrictedFrom(onAccount.filter((a) => read.has(a.permissionSetArn)));

            expect(fromPlanned.create).toEqual(fromEvery.create);
            expect(fromPlanned.delete).toEqual(fromEvery.delete);
          }
        },
      ),
      RUNS,
    );
  });
});
