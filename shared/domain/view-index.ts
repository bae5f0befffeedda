import type { Account, Group, OrganizationView, PermissionSet, PrincipalType, User } from './model.js';

/** Lookup tables over an {@link OrganizationView}, built once per evaluation or plan. */
export interface ViewIndex {
  readonly view: OrganizationView;
  readonly accountById: ReadonlyMap<string, Account>;
  readonly permissionSetByArn: ReadonlyMap<string, PermissionSet>;
  readonly permissionSetByName: ReadonlyMap<string, PermissionSet>;
  readonly groupById: ReadonlyMap<string, Group>;
  readonly groupByDisplayName: ReadonlyMap<string, Group>;
  readonly userById: ReadonlyMap<string, User>;
  readonly userByUserName: ReadonlyMap<string, User>;
}

// Identity Store keeps display names of groups and user names unique, so a duplicate means a
// malformed view; the first entry wins so that the answer is at least stable.
const indexBy = <T, K>(items: readonly T[], key: (item: T) => K): Map<K, T> => {
  const map = new Map<K, T>();
  for (const item of items) {
    const k = key(item);
    if (!map.has(k)) map.set(k, item);
  }
  return map;
};

export const indexView = (view: OrganizationView): ViewIndex => ({
  view,
  accountById: indexBy(view.accounts, (a) => a.id),
  permissionSetByArn: indexBy(view.permissionSets, (p) => p.arn),
  permissionSetByName: indexBy(view.permissionSets, (p) => p.name),
  groupById: indexBy(view.groups, (g) => g.id),
  groupByDisplayName: indexBy(view.groups, (g) => g.displayName),
  userById: indexBy(view.users, (u) => u.id),
  userByUserName: indexBy(view.users, (u) => u.userName),
});

/** The name a person reads for a principal (group display name, user name), when the view knows it. */
export const principalNameOf = (
  index: ViewIndex,
  principalType: PrincipalType,
  principalId: string,
): string | undefined =>
  principalType === 'GROUP' ? index.groupById.get(principalId)?.displayName : index.userById.get(principalId)?.userName;
