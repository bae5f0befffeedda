import { principalKey, resolveAuthority } from './authority.js';
import { evaluate } from './evaluate.js';
import type { AccountAssignment, OrganizationView, PrincipalType } from './model.js';
import { assignmentKey } from './model.js';
import type { PlanError } from './plan-types.js';
import type { RuleSet } from './rules/schema.js';
import { indexView, principalNameOf } from './view-index.js';

/**
 * Why a principal has access (docs/cli.md, `explain`): every assignment a user holds directly or
 * through its groups, or every assignment on an account, each with the rules that want it, or the
 * reason no rule has a say.
 */

export type ExplainQuery =
  | { readonly kind: 'user'; readonly userName: string }
  | { readonly kind: 'group'; readonly displayName: string }
  | { readonly kind: 'account'; readonly accountId: string };

/**
 * - `wanted`: a rule wants it (`ruleIds`); when it does not exist yet, `exists` is false.
 * - `drift`: managed and no rule wants it: reconciliation revokes it.
 * - `unmanaged`: outside the scope of authority (permission set not managed, the management
 *   account, an account that is not ACTIVE): never changed.
 * - `protected`: a protected account, permission set or principal: never changed.
 */
export type ExplainStatus = 'wanted' | 'drift' | 'unmanaged' | 'protected';

export interface ExplainedAssignment {
  readonly accountId: string;
  readonly accountName: string;
  readonly permissionSetName: string;
  readonly principalType: PrincipalType;
  readonly principalName: string;
  /** The group through which the queried user holds it; `null` for a direct assignment. */
  readonly via: string | null;
  readonly status: ExplainStatus;
  readonly ruleIds: readonly string[];
  /** `false` for an assignment a rule wants that Identity Center does not hold yet. */
  readonly exists: boolean;
}

export interface ExplainInput {
  readonly ruleSet: RuleSet;
  readonly view: OrganizationView;
  readonly actualAssignments: readonly AccountAssignment[];
  readonly query: ExplainQuery;
  /** Epoch ms, for time-bound rules (as in `plan`). */
  readonly now: number;
}

export interface Explanation {
  readonly assignments: readonly ExplainedAssignment[];
  /** Rule errors (unresolved references): the answer may miss what those rules would want. */
  readonly errors: readonly PlanError[];
}

export class ExplainQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExplainQueryError';
  }
}

/**
 * @example
 * const { assignments } = explain({ ruleSet, view, actualAssignments, now, query: { kind: 'user', userName: 'alice' } });
 */
export const explain = (input: ExplainInput): Explanation => {
  const { ruleSet, view, query } = input;
  const index = indexView(view);
  const authority = resolveAuthority(ruleSet, index);
  const evaluation = evaluate(ruleSet, view, { now: input.now });

  /** principalKey → the group name it is reached through (`null`: the queried principal itself). */
  const principals = new Map<string, string | null>();
  let accountId: string | undefined;
  if (query.kind === 'user') {
    const user = index.userByUserName.get(query.userName);
    if (user === undefined) throw new ExplainQueryError(`no user with UserName "${query.userName}"`);
    principals.set(principalKey('USER', user.id), null);
    for (const m of view.groupMemberships) {
      const group = m.userId === user.id ? index.groupById.get(m.groupId) : undefined;
      if (group !== undefined) principals.set(principalKey('GROUP', group.id), group.displayName);
    }
  } else if (query.kind === 'group') {
    const group = index.groupByDisplayName.get(query.displayName);
    if (group === undefined) throw new ExplainQueryError(`no group with DisplayName "${query.displayName}"`);
    principals.set(principalKey('GROUP', group.id), null);
  } else {
    if (!index.accountById.has(query.accountId)) {
      throw new ExplainQueryError(`account ${query.accountId} is not in the organization`);
    }
    accountId = query.accountId;
  }
  const selected = (a: AccountAssignment): string | null | undefined => {
    if (accountId !== undefined) return a.accountId === accountId ? null : undefined;
    const via = principals.get(principalKey(a.principalType, a.principalId));
    return via;
  };

  const wanted = new Map<string, readonly string[]>();
  for (const d of evaluation.assignments) if (selected(d) !== undefined) wanted.set(assignmentKey(d), d.ruleIds);

  const describe = (a: AccountAssignment, via: string | null, exists: boolean): ExplainedAssignment => {
    const ruleIds = wanted.get(assignmentKey(a));
    return {
      accountId: a.accountId,
      accountName: index.accountById.get(a.accountId)?.name ?? a.accountId,
      permissionSetName: index.permissionSetByArn.get(a.permissionSetArn)?.name ?? a.permissionSetArn,
      principalType: a.principalType,
      principalName: principalNameOf(index, a.principalType, a.principalId) ?? a.principalId,
      via,
      status: ruleIds === undefined ? statusOutsideRules(a) : 'wanted',
      ruleIds: ruleIds ?? [],
      exists,
    };
  };
  const statusOutsideRules = (a: AccountAssignment): ExplainStatus => {
    if (
      authority.protectedAccountIds.has(a.accountId) ||
      authority.protectedPermissionSetArns.has(a.permissionSetArn) ||
      authority.protectedPrincipalKeys.has(principalKey(a.principalType, a.principalId))
    ) {
      return 'protected';
    }
    const account = index.accountById.get(a.accountId);
    const outOfScope =
      !evaluation.managedPermissionSetArns.has(a.permissionSetArn) ||
      account === undefined ||
      account.status !== 'ACTIVE' ||
      (a.accountId === view.managementAccountId && !ruleSet.settings.includeManagementAccount);
    return outOfScope ? 'unmanaged' : 'drift';
  };

  const result: ExplainedAssignment[] = [];
  const seen = new Set<string>();
  for (const a of input.actualAssignments) {
    const via = selected(a);
    const key = assignmentKey(a);
    if (via === undefined || seen.has(key)) continue;
    seen.add(key);
    result.push(describe(a, via, true));
  }
  for (const d of evaluation.assignments) {
    const via = selected(d);
    if (via === undefined || seen.has(assignmentKey(d))) continue;
    result.push(describe(d, via, false));
  }
  return { assignments: result.sort(compareExplained), errors: evaluation.errors };
};

const compareExplained = (a: ExplainedAssignment, b: ExplainedAssignment): number =>
  a.accountName.localeCompare(b.accountName) ||
  a.accountId.localeCompare(b.accountId) ||
  a.permissionSetName.localeCompare(b.permissionSetName) ||
  (a.via ?? '').localeCompare(b.via ?? '') ||
  a.principalType.localeCompare(b.principalType) ||
  a.principalName.localeCompare(b.principalName);
