import type { OrganizationView, PrincipalType } from './model.js';

/**
 * Numeric keys for the assignments of one view. Planning a large organization compares hundreds
 * of thousands of assignments; a number built from three small indexes hashes and compares far
 * faster than a concatenated string, and allocates nothing.
 */
export interface AssignmentKeys {
  /** The key of an assignment, or `undefined` when the view does not know one of its parts. */
  keyOf(
    accountId: string,
    permissionSetArn: string,
    principalType: PrincipalType,
    principalId: string,
  ): number | undefined;
  accountIndex(accountId: string): number | undefined;
  permissionSetIndex(permissionSetArn: string): number | undefined;
  principalIndex(principalType: PrincipalType, principalId: string): number | undefined;
  /** The key from indexes already looked up. */
  compose(accountIndex: number, permissionSetIndex: number, principalIndex: number): number;
}

const indexOf = (ids: readonly string[]): Map<string, number> => {
  const map = new Map<string, number>();
  for (const id of ids) if (!map.has(id)) map.set(id, map.size);
  return map;
};

/**
 * @example
 * const keys = assignmentKeys(view);
 * const key = keys.keyOf('222233334444', arn, 'GROUP', groupId); // undefined if any part is unknown
 */
export const assignmentKeys = (view: OrganizationView): AssignmentKeys => {
  const accounts = indexOf(view.accounts.map((a) => a.id));
  const permissionSets = indexOf(view.permissionSets.map((p) => p.arn));
  const groups = indexOf(view.groups.map((g) => g.id));
  const users = indexOf(view.users.map((u) => u.id));
  const psCount = Math.max(permissionSets.size, 1);
  const principalCount = Math.max(groups.size + users.size, 1);
  const groupCount = groups.size;
  // Exact while accounts × permission sets × principals stays below 2^53, i.e. always.
  const compose = (accountIndex: number, permissionSetIndex: number, principalIndex: number): number =>
    (accountIndex * psCount + permissionSetIndex) * principalCount + principalIndex;
  const principalIndex = (principalType: PrincipalType, principalId: string): number | undefined => {
    if (principalType === 'GROUP') return groups.get(principalId);
    const u = users.get(principalId);
    return u === undefined ? undefined : groupCount + u;
  };
  return {
    keyOf(accountId, permissionSetArn, principalType, principalId) {
      const a = accounts.get(accountId);
      const p = permissionSets.get(permissionSetArn);
      const q = principalIndex(principalType, principalId);
      return a === undefined || p === undefined || q === undefined ? undefined : compose(a, p, q);
    },
    accountIndex: (accountId) => accounts.get(accountId),
    permissionSetIndex: (arn) => permissionSets.get(arn),
    principalIndex,
    compose,
  };
};
