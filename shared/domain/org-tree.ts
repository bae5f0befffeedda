import type { Account, OrganizationalUnit } from './model.js';

/**
 * The organization tree indexed once per evaluation: OU references (paths or ids) resolve in O(1)
 * and every OU knows the accounts beneath it at any depth, so that selecting an OU target costs
 * the size of its answer rather than a scan of the organization.
 */
export interface OrgTree {
  /** The root OU, when the view has one. */
  readonly root: OrganizationalUnit | undefined;
  /**
   * The OU id a rule reference names: a path from the root (`/Workloads/Prod`, `/` for the root;
   * case-sensitive, one trailing slash tolerated) or an OU or root id. `undefined` when unknown.
   */
  resolve(ref: string): string | undefined;
  /** Every account beneath the OU at any depth, whatever its status. The root holds every account. */
  accountsUnder(ouId: string): readonly string[];
  /** The path of an OU from the root (`/` for the root), `undefined` for an unknown OU. */
  pathOf(ouId: string): string | undefined;
}

/**
 * Builds the {@link OrgTree} of a view.
 *
 * @example
 * const tree = buildOrgTree(view.organizationalUnits, view.accounts);
 * const prod = tree.resolve('/Workloads/Prod');
 * const accountIds = prod === undefined ? [] : tree.accountsUnder(prod);
 */
export const buildOrgTree = (
  organizationalUnits: readonly OrganizationalUnit[],
  accounts: readonly Account[],
): OrgTree => {
  const byId = new Map<string, OrganizationalUnit>();
  for (const ou of organizationalUnits) byId.set(ou.id, ou);
  const root = organizationalUnits.find((ou) => ou.parentId === null);

  const children = new Map<string, string[]>();
  for (const ou of organizationalUnits) {
    if (ou.parentId === null) continue;
    const list = children.get(ou.parentId);
    if (list === undefined) children.set(ou.parentId, [ou.id]);
    else list.push(ou.id);
  }
  const direct = new Map<string, string[]>();
  for (const account of accounts) {
    const list = direct.get(account.parentId);
    if (list === undefined) direct.set(account.parentId, [account.id]);
    else list.push(account.id);
  }

  // Paths are built top-down from the root so that an OU cut off from the root (malformed input,
  // or a cycle) simply has no path instead of looping.
  const paths = new Map<string, string>();
  const idByPath = new Map<string, string>();
  if (root !== undefined) {
    paths.set(root.id, '/');
    idByPath.set('/', root.id);
    const queue: string[] = [root.id];
    for (let i = 0; i < queue.length; i++) {
      const parentId = queue[i] as string;
      const parentPath = paths.get(parentId) ?? '/';
      for (const childId of children.get(parentId) ?? []) {
        if (paths.has(childId)) continue;
        const child = byId.get(childId);
        if (child === undefined) continue;
        const path = parentPath === '/' ? `/${child.name}` : `${parentPath}/${child.name}`;
        paths.set(childId, path);
        if (!idByPath.has(path)) idByPath.set(path, childId);
        queue.push(childId);
      }
    }
  }

  const allAccountIds = accounts.map((a) => a.id);
  const under = new Map<string, readonly string[]>();
  const visiting = new Set<string>();
  const collect = (ouId: string): readonly string[] => {
    const known = under.get(ouId);
    if (known !== undefined) return known;
    if (visiting.has(ouId)) return [];
    visiting.add(ouId);
    const result: string[] = [...(direct.get(ouId) ?? [])];
    for (const childId of children.get(ouId) ?? []) {
      for (const id of collect(childId)) result.push(id);
    }
    visiting.delete(ouId);
    under.set(ouId, result);
    return result;
  };

  return {
    root,
    resolve(ref) {
      if (!ref.startsWith('/')) return byId.has(ref) ? ref : undefined;
      if (ref === '/') return root?.id;
      const path = ref.endsWith('/') ? ref.slice(0, -1) : ref;
      return idByPath.get(path);
    },
    accountsUnder(ouId) {
      // The root stands for the whole organization, including an account whose parent is not in
      // the view (a view assembled from partial reads).
      if (root !== undefined && ouId === root.id) return allAccountIds;
      return byId.has(ouId) ? collect(ouId) : [];
    },
    pathOf(ouId) {
      return paths.get(ouId);
    },
  };
};
