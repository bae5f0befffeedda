import type {
  Plan,
  PlannedCreate,
  PlannedDelete,
  PlannedMembershipAdd,
  PlannedMembershipRemove,
} from '../plan-types.js';
import type { WorkItem, WorkItemOrigin } from '../scope.js';
import { GROUP_DELETED, USER_DELETED, USER_DISABLED } from './organization-run.js';
import { type PlannedPart, partAssignmentKey } from './run.js';

/** Keys per item: about 140 bytes each, which keeps a message well inside SQS's 256 KB. */
export const MAX_KEYS_PER_ITEM = 1000;

const OFFBOARDING_REASONS = new Set([USER_DELETED, USER_DISABLED, GROUP_DELETED]);

/** Whether a planned revocation offboards a principal (rather than following the rules). */
export const isOffboarding = (change: { readonly reason: string }): boolean => OFFBOARDING_REASONS.has(change.reason);

interface MutablePart {
  create: string[];
  delete: string[];
  offboard: string[];
  addTo: string[];
  removeFrom: string[];
  offboardFrom: string[];
}

const emptyPart = (): MutablePart => ({
  create: [],
  delete: [],
  offboard: [],
  addTo: [],
  removeFrom: [],
  offboardFrom: [],
});

/**
 * Splits an organization-wide run's plan into work: one `account` item per account with changes
 * and one `principal:USER` item per user with membership changes, each carrying the run and its
 * share of the plan. A converged organization yields no items. A scope with more than
 * {@link MAX_KEYS_PER_ITEM} changes gets several numbered items in the same message group, so they
 * run one after the other.
 *
 * @example
 * const items = runWorkItems(plan, { runId, rulesVersion, origin });
 */
export const runWorkItems = (
  plan: Pick<Plan, 'create' | 'delete' | 'memberships'>,
  run: { readonly runId: string; readonly rulesVersion: string; readonly origin: WorkItemOrigin },
): WorkItem[] => {
  const accounts = new Map<string, MutablePart>();
  const users = new Map<string, MutablePart>();
  const partOf = (map: Map<string, MutablePart>, id: string): MutablePart => {
    let part = map.get(id);
    if (part === undefined) {
      part = emptyPart();
      map.set(id, part);
    }
    return part;
  };
  for (const c of plan.create) partOf(accounts, c.accountId).create.push(partAssignmentKey(c));
  for (const d of plan.delete) {
    const part = partOf(accounts, d.accountId);
    (isOffboarding(d) ? part.offboard : part.delete).push(partAssignmentKey(d));
  }
  for (const m of plan.memberships.add) partOf(users, m.userId).addTo.push(m.groupId);
  for (const m of plan.memberships.remove) {
    const part = partOf(users, m.userId);
    (isOffboarding(m) ? part.offboardFrom : part.removeFrom).push(m.groupId);
  }

  const items: WorkItem[] = [];
  const context = { runId: run.runId, rulesVersion: run.rulesVersion };
  for (const [accountId, part] of [...accounts].sort(([a], [b]) => compare(a, b))) {
    splitPart(part).forEach((planned, index, all) => {
      items.push({
        scope: { kind: 'account', accountId },
        origin: run.origin,
        run: { ...context, planned, ...(all.length > 1 ? { part: index } : {}) },
      });
    });
  }
  for (const [userId, part] of [...users].sort(([a], [b]) => compare(a, b))) {
    splitPart(part).forEach((planned, index, all) => {
      items.push({
        scope: { kind: 'principal', principalType: 'USER', principalId: userId },
        origin: run.origin,
        run: { ...context, planned, ...(all.length > 1 ? { part: index } : {}) },
      });
    });
  }
  return items;
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const FIELDS = ['create', 'delete', 'offboard', 'addTo', 'removeFrom', 'offboardFrom'] as const;

/** Pieces of at most {@link MAX_KEYS_PER_ITEM} keys, grants first so that they are applied first. */
const splitPart = (part: MutablePart): PlannedPart[] => {
  const pieces: MutablePart[] = [emptyPart()];
  let room = MAX_KEYS_PER_ITEM;
  for (const field of FIELDS) {
    for (const key of part[field]) {
      if (room === 0) {
        pieces.push(emptyPart());
        room = MAX_KEYS_PER_ITEM;
      }
      (pieces[pieces.length - 1] as MutablePart)[field].push(key);
      room--;
    }
  }
  return pieces.map((piece) => {
    const planned: Record<string, string[]> = {};
    for (const field of FIELDS) if (piece[field].length > 0) planned[field] = piece[field];
    return planned as PlannedPart;
  });
};

/** Changes the live re-check found to be offboarding that is still due (the principal is still gone or disabled). */
export interface LiveOffboarding {
  readonly delete: readonly PlannedDelete[];
  readonly remove: readonly PlannedMembershipRemove[];
}

/**
 * The worker's half of an organization-wide run: of the live plan for the item's scope (computed
 * with the run's rules and no guard), it keeps only the changes that the run planned, so that a
 * worker never revokes, nor grants, anything its run did not plan; and of the run's planned
 * changes, only those still needed now. Offboarding changes are still needed when the live
 * re-check says so (`liveOffboarding`). Revocations the run planned and live state no longer needs
 * are dropped silently: someone or something already did them.
 *
 * @example
 * const changes = restrictToRun(livePlan, item.run.planned, liveOffboarding);
 */
export const restrictToRun = (live: Plan, planned: PlannedPart, liveOffboarding: LiveOffboarding): Plan => {
  const creates = new Set(planned.create ?? []);
  const deletes = new Set(planned.delete ?? []);
  const offboard = new Set(planned.offboard ?? []);
  const addTo = new Set(planned.addTo ?? []);
  const removeFrom = new Set(planned.removeFrom ?? []);
  const offboardFrom = new Set(planned.offboardFrom ?? []);

  const create: PlannedCreate[] = live.create.filter((c) => creates.has(partAssignmentKey(c)));
  const deleted = new Set<string>();
  const del: PlannedDelete[] = [];
  for (const d of liveOffboarding.delete) {
    const key = partAssignmentKey(d);
    if (offboard.has(key) && !deleted.has(key)) {
      deleted.add(key);
      del.push(d);
    }
  }
  for (const d of live.delete) {
    const key = partAssignmentKey(d);
    if (deletes.has(key) && !deleted.has(key)) {
      deleted.add(key);
      del.push(d);
    }
  }
  const add: PlannedMembershipAdd[] = live.memberships.add.filter((m) => addTo.has(m.groupId));
  const removed = new Set<string>();
  const remove: PlannedMembershipRemove[] = [];
  for (const m of liveOffboarding.remove) {
    if (offboardFrom.has(m.groupId) && !removed.has(m.groupId)) {
      removed.add(m.groupId);
      remove.push(m);
    }
  }
  for (const m of live.memberships.remove) {
    if (removeFrom.has(m.groupId) && !removed.has(m.groupId)) {
      removed.add(m.groupId);
      remove.push(m);
    }
  }
  return { create, delete: del, memberships: { add, remove }, blocked: [], errors: live.errors };
};
