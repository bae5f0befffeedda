import { describe, expect, it } from 'vitest';
import type { Plan, PlannedCreate, PlannedDelete } from '../../../../shared/domain/plan-types.js';
import { MAX_KEYS_PER_ITEM, restrictToRun, runWorkItems } from '../../../../shared/domain/runs/run-work.js';

const origin = { eventId: 'sweep-1', eventName: 'Scheduled Event', source: 'aws.scheduler' };
const run = { runId: 'run-1', rulesVersion: 'r-1', origin };
const PS = 'arn:aws:sso:::permissionSet/ssoins-1/ps-1';

const create = (accountId: string, principalId: string): PlannedCreate => ({
  accountId,
  permissionSetArn: PS,
  permissionSetName: 'ReadOnlyAccess',
  principalType: 'GROUP',
  principalId,
  principalName: principalId,
  ruleIds: ['readers'],
});
const remove = (accountId: string, principalId: string, reason = 'no rule grants it'): PlannedDelete => ({
  accountId,
  permissionSetArn: PS,
  permissionSetName: 'ReadOnlyAccess',
  principalType: 'USER',
  principalId,
  principalName: principalId,
  reason,
});
const planOf = (p: Partial<Plan>): Plan => ({
  create: [],
  delete: [],
  memberships: { add: [], remove: [] },
  blocked: [],
  errors: [],
  ...p,
});

describe('runWorkItems', () => {
  it('queues nothing for a run without changes', () => {
    expect(runWorkItems(planOf({}), run)).toEqual([]);
  });

  it('gives each account with changes one item carrying the run and its share of the plan', () => {
    const items = runWorkItems(
      planOf({ create: [create('222233334444', 'g-1')], delete: [remove('222233334444', 'u-1')] }),
      run,
    );

    expect(items).toEqual([
      {
        scope: { kind: 'account', accountId: '222233334444' },
        origin,
        run: {
          runId: 'run-1',
          rulesVersion: 'r-1',
          planned: { create: [`${PS}|GROUP|g-1`], delete: [`${PS}|USER|u-1`] },
        },
      },
    ]);
  });

  it('keeps offboarding revocations apart, so that the worker re-checks them against the principal', () => {
    const items = runWorkItems(planOf({ delete: [remove('222233334444', 'u-1', 'user is disabled')] }), run);

    expect(items[0]?.run?.planned).toEqual({ offboard: [`${PS}|USER|u-1`] });
  });

  it('gives each user with membership changes one principal item', () => {
    const items = runWorkItems(
      planOf({
        memberships: {
          add: [{ groupId: 'g-1', userId: 'u-1', ruleIds: ['eng'] }],
          remove: [{ groupId: 'g-2', userId: 'u-1', reason: 'user is disabled' }],
        },
      }),
      run,
    );

    expect(items.map((i) => [i.scope, i.run?.planned])).toEqual([
      [
        { kind: 'principal', principalType: 'USER', principalId: 'u-1' },
        { addTo: ['g-1'], offboardFrom: ['g-2'] },
      ],
    ]);
  });

  it('splits a large account into numbered items, grants first', () => {
    const creates = Array.from({ length: MAX_KEYS_PER_ITEM }, (_, i) => create('222233334444', `g-${i}`));

    const items = runWorkItems(planOf({ create: creates, delete: [remove('222233334444', 'u-1')] }), run);

    expect(items.map((i) => [i.run?.part, i.run?.planned?.create?.length, i.run?.planned?.delete?.length])).toEqual([
      [0, MAX_KEYS_PER_ITEM, undefined],
      [1, undefined, 1],
    ]);
  });
});

describe('restrictToRun', () => {
  it('keeps the planned changes that live state still needs', () => {
    const live = planOf({ create: [create('222233334444', 'g-1')], delete: [remove('222233334444', 'u-1')] });

    const restricted = restrictToRun(
      live,
      { create: [`${PS}|GROUP|g-1`], delete: [`${PS}|USER|u-1`] },
      { delete: [], remove: [] },
    );

    expect(restricted.create).toEqual(live.create);
    expect(restricted.delete).toEqual(live.delete);
  });

  it('drops a revocation that live state wants but the run did not plan', () => {
    const live = planOf({ delete: [remove('222233334444', 'u-1'), remove('222233334444', 'u-2')] });

    const restricted = restrictToRun(live, { delete: [`${PS}|USER|u-1`] }, { delete: [], remove: [] });

    expect(restricted.delete.map((d) => d.principalId)).toEqual(['u-1']);
  });

  it('drops a planned revocation that live state no longer needs', () => {
    const restricted = restrictToRun(planOf({}), { delete: [`${PS}|USER|u-1`] }, { delete: [], remove: [] });

    expect(restricted.delete).toEqual([]);
  });

  it('applies planned offboarding only where the live re-check confirms it', () => {
    const confirmed = remove('222233334444', 'u-1', 'user is disabled');

    const restricted = restrictToRun(
      planOf({}),
      { offboard: [`${PS}|USER|u-1`, `${PS}|USER|u-2`] },
      { delete: [confirmed], remove: [] },
    );

    expect(restricted.delete).toEqual([confirmed]);
  });
});
