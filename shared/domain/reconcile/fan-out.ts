import { evaluate } from '../evaluate.js';
import { type GroupMembership, membershipKey } from '../model.js';
import { emptyPlan } from '../plan-types.js';
import type {
  ClockPort,
  EventPublisherPort,
  IdentityStorePort,
  NotifierPort,
  OrganizationsPort,
  RulesRejection,
  RulesSourcePort,
  WorkQueuePort,
} from '../ports.js';
import type { RuleSet } from '../rules/schema.js';
import type { WorkItem, WorkItemOrigin } from '../scope.js';
import { ruleNeeds } from './rule-needs.js';

export interface FanOutDeps {
  readonly rules: RulesSourcePort;
  readonly organizations: Pick<OrganizationsPort, 'listAccounts' | 'listOrganizationalUnits'>;
  readonly identityStore: Pick<IdentityStorePort, 'listUsers' | 'getGroupIdByDisplayName' | 'listGroupMemberships'>;
  readonly queue: WorkQueuePort;
  readonly publisher: EventPublisherPort;
  readonly notifier: NotifierPort;
  /**
   * Left out of the sweep unless `settings.includeManagementAccount`; when unknown, its item is
   * enqueued and the worker's plan leaves the account alone.
   */
  readonly managementAccountId?: string;
  /** Time-bound membership rules are evaluated at `now()`; without a clock they change nothing. */
  readonly clock?: ClockPort;
}

export interface FanOutResult {
  readonly items: readonly WorkItem[];
  readonly rejections: readonly RulesRejection[];
}

/**
 * Expands the `all` scope (the schedule, a rules change): one `account:` item per active account,
 * and one `principal:USER` item per user whose birthright memberships are not what the
 * membership rules say (a missing membership, or a member of an authoritative group who no longer
 * matches). Rejected rules documents are announced first; when no valid rule set exists at all,
 * {@link RulesUnavailableError} propagates and nothing is enqueued.
 *
 * @example
 * const { items } = await fanOut(deps, { eventId: event.id, eventName: 'Scheduled Event', source: 'aws.scheduler' });
 */
export const fanOut = async (deps: FanOutDeps, origin: WorkItemOrigin): Promise<FanOutResult> => {
  const { ruleSet, rejections } = await deps.rules.load();
  if (rejections.length > 0) await announceRejections(deps, rejections, origin);

  const [accounts, userIds] = await Promise.all([
    deps.organizations.listAccounts({ withTags: false }),
    usersWithMembershipDrift(deps, ruleSet),
  ]);
  const accountItems: WorkItem[] = accounts
    .filter((a) => a.status === 'ACTIVE')
    .filter((a) => ruleSet.settings.includeManagementAccount || a.id !== deps.managementAccountId)
    .map((a) => ({ scope: { kind: 'account', accountId: a.id }, origin }));
  const userItems: WorkItem[] = userIds.map((principalId) => ({
    scope: { kind: 'principal', principalType: 'USER', principalId },
    origin,
  }));
  const items = [...accountItems, ...userItems];
  if (items.length > 0) await deps.queue.enqueue(items);
  return { items, rejections };
};

export const announceRejections = async (
  deps: Pick<FanOutDeps, 'publisher' | 'notifier'>,
  rejections: readonly RulesRejection[],
  origin: WorkItemOrigin,
): Promise<void> => {
  await deps.publisher.publish(
    rejections.map((r) => ({
      detailType: 'Rules Rejected',
      detail: {
        document: r.document,
        message: r.message,
        ...(r.fallbackVersion === undefined ? {} : { fallbackVersion: r.fallbackVersion }),
        originEventId: origin.eventId,
        originEventName: origin.eventName,
      },
    })),
  );
  await deps.notifier.notify('idc-lifecycle: rules document rejected', {
    scope: 'all',
    plan: { ...emptyPlan(), errors: rejections.map((r) => ({ ruleId: r.document, message: r.message })) },
    applied: false,
  });
};

/**
 * Users whose memberships the membership rules would change, computed from every user and the
 * current members of the groups the rules name. Enqueuing only these (rather than every matching
 * user) keeps a sweep of a large directory to a handful of principal reconciles; each of them
 * re-reads everything live anyway.
 */
const usersWithMembershipDrift = async (deps: FanOutDeps, ruleSet: RuleSet): Promise<string[]> => {
  const needs = ruleNeeds(ruleSet);
  if (needs.membershipGroupNames.length === 0) return [];
  const [users, groups] = await Promise.all([
    deps.identityStore.listUsers(),
    Promise.all(
      needs.membershipGroupNames.map(async (displayName) => {
        const id = await deps.identityStore.getGroupIdByDisplayName(displayName);
        return id === undefined ? undefined : { id, displayName };
      }),
    ),
  ]);
  const knownGroups = groups.filter((g): g is { id: string; displayName: string } => g !== undefined);
  const memberships: GroupMembership[] = (
    await Promise.all(knownGroups.map((g) => deps.identityStore.listGroupMemberships(g.id)))
  ).flat();
  const evaluation = evaluate(
    { ...ruleSet, assignments: [] },
    {
      managementAccountId: deps.managementAccountId ?? '',
      organizationalUnits: [],
      accounts: [],
      permissionSets: [],
      groups: knownGroups,
      users,
      groupMemberships: memberships,
    },
    deps.clock === undefined ? {} : { now: deps.clock.now() },
  );
  const current = new Set(memberships.map(membershipKey));
  const desired = new Set(evaluation.memberships.map(membershipKey));
  const drifting = new Set<string>();
  for (const m of evaluation.memberships) if (!current.has(membershipKey(m))) drifting.add(m.userId);
  for (const m of memberships) {
    const authoritative = evaluation.authoritativeGroups.has(m.groupId) && !evaluation.unsafeGroupIds.has(m.groupId);
    if (authoritative && !desired.has(membershipKey(m))) drifting.add(m.userId);
  }
  return [...drifting].sort();
};
