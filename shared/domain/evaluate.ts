import { type AssignmentKeys, assignmentKeys } from './assignment-keys.js';
import { type Authority, principalKey, resolveAuthority } from './authority.js';
import type { AccountAssignment, OrganizationView, PrincipalType, User } from './model.js';
import { membershipKey } from './model.js';
import { buildOrgTree, type OrgTree } from './org-tree.js';
import type { PlanError } from './plan-types.js';
import { hasWindow, type WindowedRule, windowState } from './rule-window.js';
import type { AssignmentRule, AttributeSelector, MembershipRule, RuleSet, Targets } from './rules/schema.js';
import { matchesTagFilter } from './tag-pattern.js';
import { userSelectorIndex } from './user-selector.js';
import { indexView, type ViewIndex } from './view-index.js';

export interface DesiredAssignment extends AccountAssignment {
  /** The rules that want this assignment, sorted. */
  readonly ruleIds: readonly string[];
}

export interface DesiredMembership {
  readonly groupId: string;
  readonly userId: string;
  readonly ruleIds: readonly string[];
}

/** The desired state the rules describe for one view, with everything planning needs to stay safe. */
export interface Evaluation {
  /** Deduplicated, ruleIds merged and sorted. */
  readonly assignments: readonly DesiredAssignment[];
  readonly memberships: readonly DesiredMembership[];
  /** Groups under authoritative membership rules: groupId → rule ids. */
  readonly authoritativeGroups: ReadonlyMap<string, readonly string[]>;
  /** One per unresolved reference, naming it. */
  readonly errors: readonly PlanError[];
  /**
   * Things worth telling the operator that are not errors and hold nothing back: a rule naming a
   * disabled user or a protected principal, a managed permission set that does not exist.
   */
  readonly notices: readonly PlanError[];
  /** Accounts selected (after excludes) by a rule that failed to resolve: no revocations there. */
  readonly unsafeAccountIds: ReadonlySet<string>;
  /** Groups of membership rules that failed to resolve: no membership removals there. */
  readonly unsafeGroupIds: ReadonlySet<string>;
  readonly managedPermissionSetArns: ReadonlySet<string>;
}

export interface EvaluateOptions {
  /**
   * Evaluate only these accounts: desired assignments, tag checks and unsafe accounts are limited
   * to them, while references still resolve against the whole view. A worker reconciling one
   * account reads tags for that account only; without this, a tag rule would see every other
   * account's tags as unread. For the same reason, an account id that a rule names outside these
   * accounts and that the view lacks is not reported: the view may hold only the scoped accounts.
   */
  readonly accountIds?: ReadonlySet<string>;
  /**
   * The moment to evaluate at, in epoch milliseconds: rules with `validFrom`/`validUntil` grant
   * only inside their window. Without it, a time-bound rule cannot be placed in time, so it is
   * treated like a rule with an unresolved reference: it grants nothing and nothing is revoked on
   * the accounts it could select (or in the groups it names).
   */
  readonly now?: number;
}

interface Principal {
  readonly principalType: PrincipalType;
  readonly principalId: string;
  readonly index: number;
}

interface ResolvedPermissionSet {
  readonly arn: string;
  readonly index: number;
}

interface MutableDesired extends AccountAssignment {
  /** Shared between the assignments of one rule until a second rule wants one of them. */
  ruleIds: readonly string[];
}

interface Selection {
  /** Accounts the rule grants on. */
  readonly accountIds: readonly string[];
  readonly errors: readonly string[];
  /** When the rule fails, a superset of what it could have selected; otherwise empty. */
  readonly unsafeAccountIds: readonly string[];
}

const MAX_LISTED_ACCOUNTS = 5;

const listAccounts = (ids: readonly string[]): string => {
  const shown = ids.slice(0, MAX_LISTED_ACCOUNTS).join(', ');
  return ids.length > MAX_LISTED_ACCOUNTS ? `${shown} and ${ids.length - MAX_LISTED_ACCOUNTS} more` : shown;
};

const NO_TIME_MESSAGE = 'the rule has validFrom/validUntil but the evaluation was given no time';

/** Whether a rule grants at the evaluation's time; `undefined` when that cannot be told. */
const inForce = (rule: WindowedRule, now: number | undefined): boolean | undefined => {
  if (!hasWindow(rule)) return true;
  return now === undefined ? undefined : windowState(rule, now) === 'in-force';
};

/**
 * Computes the desired assignments and memberships that a rule set describes for a view
 * (docs/design.md §3).
 *
 * A rule with an unresolved reference (OU path or id, account id, group, user, permission set) or
 * whose tag filter meets an account whose tags were not read contributes nothing; it is reported
 * in `errors`, and the accounts it could have selected become `unsafeAccountIds`. When an OU target
 * itself is unknown, the rule could have meant any account, so every account (minus the excludes
 * that did resolve) is unsafe.
 *
 * @example
 * const evaluation = evaluate(ruleSet, view);
 * for (const e of evaluation.errors) console.warn(`${e.ruleId}: ${e.message}`);
 */
export const evaluate = (ruleSet: RuleSet, view: OrganizationView, options: EvaluateOptions = {}): Evaluation => {
  const index = indexView(view);
  const tree = buildOrgTree(view.organizationalUnits, view.accounts);
  const authority = resolveAuthority(ruleSet, index);
  const { settings } = ruleSet;
  const inScope = options.accountIds;

  const errors: PlanError[] = [];
  const notices: PlanError[] = [...authority.notices];
  const unsafeAccountIds = new Set<string>();
  const unsafeGroupIds = new Set<string>();

  // Eligible: the engine may grant here at all.
  const eligible = new Set<string>();
  for (const account of view.accounts) {
    if (account.status !== 'ACTIVE') continue;
    if (account.id === view.managementAccountId && !settings.includeManagementAccount) continue;
    if (authority.protectedAccountIds.has(account.id)) continue;
    if (inScope !== undefined && !inScope.has(account.id)) continue;
    eligible.add(account.id);
  }

  const usersMatching = userSelectorIndex(view.users.filter((u) => u.active));
  const isProtected = (principalType: PrincipalType, principalId: string): boolean =>
    authority.protectedPrincipalKeys.has(principalKey(principalType, principalId));

  const keys = assignmentKeys(view);
  const desired = new Map<number, MutableDesired>();
  const merged: MutableDesired[] = [];

  for (const rule of ruleSet.assignments) {
    const active = inForce(rule, options.now);
    // Outside its window a rule is silent, exactly as if it were not written: what it granted is drift.
    if (active === false) continue;
    const problems: string[] = active === undefined ? [NO_TIME_MESSAGE] : [];
    const permissionSets = resolvePermissionSets(rule, index, keys, authority, problems);
    const principals = resolvePrincipals(rule, index, keys, usersMatching, isProtected, problems, notices);
    const selection = selectAccounts(rule.targets, index, tree, eligible, inScope, problems.length > 0);
    problems.push(...selection.errors);

    if (problems.length > 0) {
      for (const message of problems) errors.push({ ruleId: rule.id, message });
      for (const id of selection.unsafeAccountIds) unsafeAccountIds.add(id);
      continue;
    }
    // Most assignments come from one rule: they share one id list, which saves an allocation per
    // assignment in organizations with hundreds of thousands of them.
    const onlyThisRule: readonly string[] = [rule.id];
    for (const accountId of selection.accountIds) {
      const accountIndex = keys.accountIndex(accountId) as number;
      for (const ps of permissionSets) {
        for (const principal of principals) {
          const key = keys.compose(accountIndex, ps.index, principal.index);
          const entry = desired.get(key);
          if (entry === undefined) {
            desired.set(key, {
              accountId,
              permissionSetArn: ps.arn,
              principalType: principal.principalType,
              principalId: principal.principalId,
              ruleIds: onlyThisRule,
            });
          } else if (entry.ruleIds[entry.ruleIds.length - 1] !== rule.id) {
            // Rules are visited one after the other, so a repeat can only be the last id.
            if (entry.ruleIds.length === 1) merged.push(entry);
            entry.ruleIds = [...entry.ruleIds, rule.id];
          }
        }
      }
    }
  }

  const desiredMemberships = new Map<string, { groupId: string; userId: string; ruleIds: string[] }>();
  const authoritativeGroups = new Map<string, string[]>();
  for (const rule of ruleSet.memberships) {
    const { groupIds, problems } = resolveMembershipGroups(rule, index, authority.protectedGroupNames);
    const active = inForce(rule, options.now);
    if (active === undefined) problems.push(NO_TIME_MESSAGE);
    if (rule.policy === 'authoritative') {
      for (const groupId of groupIds) {
        const ids = authoritativeGroups.get(groupId);
        if (ids === undefined) authoritativeGroups.set(groupId, [rule.id]);
        else if (!ids.includes(rule.id)) ids.push(rule.id);
      }
    }
    if (problems.length > 0) {
      for (const message of problems) errors.push({ ruleId: rule.id, message });
      // The rule's other groups would lose the members it wants if it contributed nothing and
      // they were authoritative elsewhere.
      for (const groupId of groupIds) unsafeGroupIds.add(groupId);
      continue;
    }
    // An authoritative rule outside its window still owns its groups' members: it wants none.
    if (active === false) continue;
    const users = usersMatching(rule.where).filter((u) => !isProtected('USER', u.id));
    for (const groupId of groupIds) {
      for (const user of users) {
        const key = membershipKey({ groupId, userId: user.id });
        const entry = desiredMemberships.get(key);
        if (entry === undefined) desiredMemberships.set(key, { groupId, userId: user.id, ruleIds: [rule.id] });
        else if (!entry.ruleIds.includes(rule.id)) entry.ruleIds.push(rule.id);
      }
    }
  }

  for (const entry of merged) entry.ruleIds = [...entry.ruleIds].sort();
  const assignments: DesiredAssignment[] = [...desired.values()];
  const memberships: DesiredMembership[] = [];
  for (const m of desiredMemberships.values()) memberships.push({ ...m, ruleIds: m.ruleIds.sort() });
  const authoritative = new Map<string, readonly string[]>();
  for (const [groupId, ids] of authoritativeGroups) authoritative.set(groupId, ids.sort());

  return {
    assignments,
    memberships,
    authoritativeGroups: authoritative,
    errors,
    notices,
    unsafeAccountIds,
    unsafeGroupIds,
    managedPermissionSetArns: authority.managedPermissionSetArns,
  };
};

const resolvePermissionSets = (
  rule: AssignmentRule,
  index: ViewIndex,
  keys: AssignmentKeys,
  authority: Authority,
  problems: string[],
): ResolvedPermissionSet[] => {
  const resolved: ResolvedPermissionSet[] = [];
  for (const name of rule.permissionSets) {
    const ps = index.permissionSetByName.get(name);
    if (ps === undefined) problems.push(`permission set "${name}" does not exist`);
    else if (authority.protectedPermissionSetArns.has(ps.arn)) problems.push(`permission set "${name}" is protected`);
    else if (!authority.managedPermissionSetArns.has(ps.arn))
      problems.push(`permission set "${name}" is not in settings.managedPermissionSets`);
    else if (!resolved.some((r) => r.arn === ps.arn)) {
      resolved.push({ arn: ps.arn, index: keys.permissionSetIndex(ps.arn) as number });
    }
  }
  return resolved;
};

const resolvePrincipals = (
  rule: AssignmentRule,
  index: ViewIndex,
  keys: AssignmentKeys,
  usersMatching: (selector: AttributeSelector) => readonly User[],
  isProtected: (principalType: PrincipalType, principalId: string) => boolean,
  problems: string[],
  notices: PlanError[],
): Principal[] => {
  const principals = new Map<string, Principal>();
  const add = (principalType: PrincipalType, principalId: string) => {
    const key = principalKey(principalType, principalId);
    if (!principals.has(key)) {
      principals.set(key, {
        principalType,
        principalId,
        index: keys.principalIndex(principalType, principalId) as number,
      });
    }
  };
  for (const ref of rule.principals) {
    if ('group' in ref) {
      const group = index.groupByDisplayName.get(ref.group);
      if (group === undefined) problems.push(`group "${ref.group}" does not exist`);
      else if (isProtected('GROUP', group.id)) {
        notices.push({ ruleId: rule.id, message: `group "${ref.group}" is protected and is granted nothing` });
      } else add('GROUP', group.id);
    } else if ('user' in ref) {
      const user = index.userByUserName.get(ref.user);
      if (user === undefined) problems.push(`user "${ref.user}" does not exist`);
      else if (!user.active) {
        // A disabled user is a fact, not a broken rule: the rule stays in force for everyone
        // else, and the user's assignments become drift to revoke.
        notices.push({ ruleId: rule.id, message: `user "${ref.user}" is disabled and is granted nothing` });
      } else if (isProtected('USER', user.id)) {
        notices.push({ ruleId: rule.id, message: `user "${ref.user}" is protected and is granted nothing` });
      } else add('USER', user.id);
    } else {
      for (const user of usersMatching(ref.users.where)) {
        if (!isProtected('USER', user.id)) add('USER', user.id);
      }
    }
  }
  return [...principals.values()];
};

const resolveMembershipGroups = (
  rule: MembershipRule,
  index: ViewIndex,
  protectedGroupNames: ReadonlySet<string>,
): { groupIds: string[]; problems: string[] } => {
  const groupIds: string[] = [];
  const problems: string[] = [];
  for (const name of rule.groups) {
    const group = index.groupByDisplayName.get(name);
    if (group === undefined) problems.push(`group "${name}" does not exist`);
    else if (protectedGroupNames.has(name)) problems.push(`group "${name}" is protected; its members are not managed`);
    else if (!groupIds.includes(group.id)) groupIds.push(group.id);
  }
  return { groupIds, problems };
};

/**
 * The accounts a rule's targets select. An empty list under `organizationalUnits` or `accounts`
 * selects nothing from it: only leaving both out means every account, so that an emptied list
 * never widens access.
 */
const selectAccounts = (
  targets: Targets,
  index: ViewIndex,
  tree: OrgTree,
  eligible: ReadonlySet<string>,
  inScope: ReadonlySet<string> | undefined,
  ruleFailed: boolean,
): Selection => {
  const errors: string[] = [];
  // A scoped view may hold only the scoped accounts, so an account id outside the scope that the
  // view lacks is unknown rather than absent; it cannot change the result for the scoped accounts.
  const isChecked = (accountId: string): boolean => inScope === undefined || inScope.has(accountId);
  let baseUnknown = false;
  /** `undefined`: every account. */
  let base: Iterable<string> | undefined;

  if (targets.organizationalUnits === undefined && targets.accounts === undefined) {
    base = undefined;
  } else if (targets.accounts === undefined && targets.organizationalUnits?.length === 1) {
    // The common single-OU rule needs no set: an OU's account list has no duplicates.
    const ref = targets.organizationalUnits[0] as string;
    const ouId = tree.resolve(ref);
    if (ouId === undefined) {
      errors.push(`organizational unit "${ref}" does not exist`);
      baseUnknown = true;
    }
    base = ouId === undefined ? [] : tree.accountsUnder(ouId);
  } else {
    const set = new Set<string>();
    for (const ref of targets.organizationalUnits ?? []) {
      const ouId = tree.resolve(ref);
      if (ouId === undefined) {
        errors.push(`organizational unit "${ref}" does not exist`);
        baseUnknown = true;
      } else {
        for (const id of tree.accountsUnder(ouId)) set.add(id);
      }
    }
    for (const id of targets.accounts ?? []) {
      if (index.accountById.has(id)) set.add(id);
      else if (isChecked(id)) errors.push(`account ${id} is not in the organization`);
    }
    base = set;
  }

  const excluded = new Set<string>();
  for (const ref of targets.exclude?.organizationalUnits ?? []) {
    const ouId = tree.resolve(ref);
    if (ouId === undefined) errors.push(`excluded organizational unit "${ref}" does not exist`);
    else for (const id of tree.accountsUnder(ouId)) excluded.add(id);
  }
  for (const id of targets.exclude?.accounts ?? []) {
    if (index.accountById.has(id)) excluded.add(id);
    else if (isChecked(id)) errors.push(`excluded account ${id} is not in the organization`);
  }

  // Decides, per account, whether the rule grants there and, when asked, whether it could have
  // selected it: the superset that becomes unsafe when the rule fails.
  const wantedTags = targets.accountTags;
  const excludedTags = targets.exclude?.accountTags;
  const pass = (collectUnsafe: boolean) => {
    const selected: string[] = [];
    const unread: string[] = [];
    const unsafe: string[] = [];
    for (const id of baseUnknown || base === undefined ? index.accountById.keys() : base) {
      if (excluded.has(id)) continue;
      if (inScope !== undefined && !inScope.has(id)) continue;
      let tagsRead = true;
      if (wantedTags !== undefined || excludedTags !== undefined) {
        const tags = index.accountById.get(id)?.tags;
        if (tags === undefined) tagsRead = false;
        else if (wantedTags !== undefined && !matchesTagFilter(tags, wantedTags)) continue;
        else if (excludedTags !== undefined && matchesTagFilter(tags, excludedTags)) continue;
      }
      if (collectUnsafe) unsafe.push(id);
      if (baseUnknown || !eligible.has(id)) continue;
      if (tagsRead) selected.push(id);
      else unread.push(id);
    }
    return { selected, unread, unsafe };
  };

  const collected = ruleFailed || errors.length > 0;
  const first = pass(collected);
  if (first.unread.length > 0) {
    const which = wantedTags === undefined ? 'exclude.accountTags' : 'accountTags';
    errors.push(`${which} cannot be evaluated: the tags of account(s) ${listAccounts(first.unread)} were not read`);
  }
  if (errors.length === 0 && !ruleFailed) return { accountIds: first.selected, errors, unsafeAccountIds: [] };
  const unsafe = collected ? first.unsafe : pass(true).unsafe;
  return { accountIds: [], errors, unsafeAccountIds: unsafe };
};
