import type { AccountAssignment, OrganizationView, PrincipalType } from './model.js';
import { assignmentKey } from './model.js';
import { buildOrgTree, type OrgTree } from './org-tree.js';
import type { AssignmentRule, PrincipalRef, Targets } from './rules/schema.js';
import { indexView, type ViewIndex } from './view-index.js';

/**
 * Adopting an organization (docs/rules.md, "Adopting an existing organization"): from today's
 * assignments, a draft rule set that reproduces them, so that planning with it revokes nothing and
 * (where the import is exact) grants nothing. A team can then deploy in enforce mode on day one
 * and simplify the rules at its own pace.
 *
 * The promise is kept by construction: an assignment that the rules language cannot express, and
 * that the engine would therefore revoke, takes its whole permission set out of the managed set,
 * because the scope of authority is per permission set (docs/design.md §3).
 */

export interface ImportOptions {
  /** Adopt only these permission sets (names). Default: every permission set with assignments. */
  readonly permissionSets?: readonly string[];
  /** Never adopt these permission sets (names); they stay unmanaged. */
  readonly excludePermissionSets?: readonly string[];
  /** Written to `settings.protected`: the engine never changes their assignments. */
  readonly protectedGroups?: readonly string[];
  readonly protectedUsers?: readonly string[];
  readonly protectedAccounts?: readonly string[];
}

export interface ImportedRule {
  readonly rule: AssignmentRule;
  /** Where the rule came from, in words, for a comment above it. */
  readonly origin: string;
  /** How many of today's assignments the rule reproduces. */
  readonly assignments: number;
}

/** An assignment the draft does not express, and why. */
export interface NotImported {
  readonly accountId: string;
  readonly permissionSetName: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
  readonly principalName: string;
  readonly reason: string;
  /**
   * `true` when the engine leaves it alone anyway (outside its scope, or protected); `false`
   * when its permission set was left unmanaged so that it is not revoked.
   */
  readonly leftAlone: boolean;
}

export interface ImportResult {
  /** The permission sets the draft manages, sorted. */
  readonly managedPermissionSets: readonly string[];
  readonly protected: {
    readonly permissionSets: readonly string[];
    readonly principals: readonly ({ readonly group: string } | { readonly user: string })[];
    readonly accounts: readonly string[];
  };
  readonly rules: readonly ImportedRule[];
  readonly notImported: readonly NotImported[];
  /** Permission sets with assignments that are not adopted, with the reason. */
  readonly unmanagedPermissionSets: readonly { readonly name: string; readonly reason: string }[];
}

interface Pair {
  readonly permissionSetName: string;
  readonly principal: PrincipalRef;
  readonly principalLabel: string;
  readonly accountIds: Set<string>;
}

/**
 * Builds the draft rule set for a view and its assignments.
 *
 * @example
 * const draft = importRules(snapshotView(snapshot), snapshot.assignments, { excludePermissionSets: ['BreakGlassAdmin'] });
 * for (const n of draft.notImported) console.warn(`${n.accountId} ${n.permissionSetName} ${n.principalName}: ${n.reason}`);
 */
export const importRules = (
  view: OrganizationView,
  assignments: readonly AccountAssignment[],
  options: ImportOptions = {},
): ImportResult => {
  const index = indexView(view);
  const tree = buildOrgTree(view.organizationalUnits, view.accounts);
  const protectedAccounts = new Set(options.protectedAccounts ?? []);
  const protectedGroups = new Set(options.protectedGroups ?? []);
  const protectedUsers = new Set(options.protectedUsers ?? []);
  const only = options.permissionSets === undefined ? undefined : new Set(options.permissionSets);
  const excluded = new Set(options.excludePermissionSets ?? []);

  const groupNameCount = countBy(view.groups.map((g) => g.displayName));
  const userNameCount = countBy(view.users.map((u) => u.userName));
  const psNameCount = countBy(view.permissionSets.map((p) => p.name));

  // The accounts the engine grants on, with the settings the draft writes (management account out).
  const eligible = new Set(
    view.accounts
      .filter((a) => a.status === 'ACTIVE' && a.id !== view.managementAccountId && !protectedAccounts.has(a.id))
      .map((a) => a.id),
  );

  const notImported: NotImported[] = [];
  /** Permission set name → why it cannot be managed (the first blocking assignment decides). */
  const blockers = new Map<string, string>();
  const notAdopted = new Map<string, string>();
  const pairs = new Map<string, Pair>();
  /** Assignments of pairs, kept until the permission set is known to be adoptable. */
  const pending: { psName: string; entry: Omit<NotImported, 'reason' | 'leftAlone'> }[] = [];

  const seen = new Set<string>();
  for (const a of assignments) {
    const key = assignmentKey(a);
    if (seen.has(key)) continue;
    seen.add(key);
    const ps = index.permissionSetByArn.get(a.permissionSetArn);
    const principalName = nameOf(index, a.principalType, a.principalId);
    const psName = ps?.name ?? a.permissionSetArn;
    const entry = {
      accountId: a.accountId,
      permissionSetName: psName,
      principalType: a.principalType,
      principalId: a.principalId,
      principalName: principalName ?? a.principalId,
    };
    const leaveAlone = (reason: string) => notImported.push({ ...entry, reason, leftAlone: true });
    const block = (reason: string) => {
      notImported.push({ ...entry, reason, leftAlone: false });
      if (!blockers.has(psName)) blockers.set(psName, reason);
    };

    // Permission sets the operator did not ask for, or that cannot be named, stay unmanaged.
    if (ps === undefined) {
      leaveAlone('the permission set is not in the view');
      continue;
    }
    if (excluded.has(psName) || (only !== undefined && !only.has(psName))) {
      notAdopted.set(psName, excluded.has(psName) ? 'excluded by option' : 'not among the permission sets to adopt');
      leaveAlone('its permission set is not adopted');
      continue;
    }
    if ((psNameCount.get(psName) ?? 0) > 1 || !isPlainName(psName)) {
      notAdopted.set(psName, 'its name is not unique (or has surrounding spaces), so rules cannot name it');
      leaveAlone('its permission set cannot be named in rules');
      continue;
    }

    // Outside the engine's scope: it never changes these, so they need no rule.
    const account = index.accountById.get(a.accountId);
    if (a.accountId === view.managementAccountId) {
      leaveAlone('the management account is outside the scope of the engine');
      continue;
    }
    if (account === undefined || account.status !== 'ACTIVE') {
      leaveAlone(
        `the account is ${account?.status ?? 'not in the organization'}; the engine only changes ACTIVE accounts`,
      );
      continue;
    }
    if (protectedAccounts.has(a.accountId)) {
      leaveAlone('the account is protected');
      continue;
    }
    if (
      (a.principalType === 'GROUP' && principalName !== undefined && protectedGroups.has(principalName)) ||
      (a.principalType === 'USER' && principalName !== undefined && protectedUsers.has(principalName))
    ) {
      leaveAlone('the principal is protected');
      continue;
    }

    // In scope but not expressible: the engine would revoke it, so the permission set is not managed.
    if (principalName === undefined) {
      block('the principal is not in the directory (deleted?); no rule can name it');
      continue;
    }
    const count = (a.principalType === 'GROUP' ? groupNameCount : userNameCount).get(principalName) ?? 0;
    if (count > 1 || !isPlainName(principalName)) {
      block(
        `the ${a.principalType === 'GROUP' ? 'group display name' : 'user name'} "${principalName}" is not unique (or has surrounding spaces), so no rule can name this principal alone`,
      );
      continue;
    }
    if (a.principalType === 'USER' && index.userById.get(a.principalId)?.active === false) {
      block('the user is disabled; rules never grant to disabled users');
      continue;
    }

    const principal: PrincipalRef = a.principalType === 'GROUP' ? { group: principalName } : { user: principalName };
    const pairKey = `${psName}|${a.principalType}|${principalName}`;
    const pair = pairs.get(pairKey);
    if (pair === undefined) {
      pairs.set(pairKey, {
        permissionSetName: psName,
        principal,
        principalLabel: `${a.principalType === 'GROUP' ? 'group' : 'user'} ${principalName}`,
        accountIds: new Set([a.accountId]),
      });
    } else pair.accountIds.add(a.accountId);
    pending.push({ psName, entry });
  }

  for (const [name, reason] of blockers) notAdopted.set(name, `${reason} (${countIn(notImported, name)} such)`);
  for (const { psName, entry } of pending) {
    if (blockers.has(psName)) {
      notImported.push({
        ...entry,
        reason: `its permission set ${psName} is left unmanaged (see above)`,
        leftAlone: true,
      });
    }
  }

  const adoptable = [...pairs.values()].filter((p) => !blockers.has(p.permissionSetName));
  const tagsRead = [...eligible].every((id) => index.accountById.get(id)?.tags !== undefined);
  const holders = new Map<string, string[]>();
  if (tagsRead) {
    for (const id of eligible) {
      for (const [key, value] of Object.entries(index.accountById.get(id)?.tags ?? {})) {
        const k = `${key}\u0000${value}`;
        const list = holders.get(k);
        if (list === undefined) holders.set(k, [id]);
        else list.push(id);
      }
    }
  }
  const ctx: RuleContext = { index, tree, eligible, tagsRead, under: new Map(), holders, children: childrenOf(view) };
  const rules = buildRules(adoptable, ctx);

  return {
    managedPermissionSets: [...new Set(adoptable.map((p) => p.permissionSetName))].sort(),
    protected: {
      permissionSets: [],
      principals: [
        ...[...protectedGroups].sort().map((group) => ({ group })),
        ...[...protectedUsers].sort().map((user) => ({ user })),
      ],
      accounts: [...protectedAccounts].sort(),
    },
    rules,
    notImported: notImported.sort(
      (a, b) =>
        a.permissionSetName.localeCompare(b.permissionSetName) ||
        a.accountId.localeCompare(b.accountId) ||
        a.principalName.localeCompare(b.principalName),
    ),
    unmanagedPermissionSets: [...notAdopted]
      .map(([name, reason]) => ({ name, reason }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
};

const countBy = (names: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
};

const countIn = (items: readonly NotImported[], psName: string): number =>
  items.filter((i) => i.permissionSetName === psName && !i.leftAlone).length;

// The rules schema trims names, so a name with surrounding spaces would resolve to another name.
const isPlainName = (name: string): boolean => name.length > 0 && name.trim() === name;

const nameOf = (index: ViewIndex, principalType: PrincipalType, principalId: string): string | undefined =>
  principalType === 'GROUP' ? index.groupById.get(principalId)?.displayName : index.userById.get(principalId)?.userName;

interface RuleContext {
  readonly index: ViewIndex;
  readonly tree: OrgTree;
  readonly eligible: ReadonlySet<string>;
  readonly tagsRead: boolean;
  /** OU id → its eligible accounts (nested included), computed once per OU. */
  readonly under: Map<string, readonly string[]>;
  /** `key\u0000value` → the eligible accounts holding that tag. */
  readonly holders: ReadonlyMap<string, readonly string[]>;
  readonly children: ReadonlyMap<string, readonly string[]>;
}

/** How one pair's accounts are targeted: whole OUs, one exact tag, and the rest listed. */
interface Cover {
  readonly ouIds: readonly string[];
  readonly tag?: { readonly key: string; readonly value: string };
  readonly accounts: readonly string[];
}

const buildRules = (pairs: readonly Pair[], ctx: RuleContext): ImportedRule[] => {
  // Pairs with the same permission set and the same cover become one rule with several principals.
  const byTarget = new Map<string, { pairs: Pair[]; cover: Cover; part: 'base' | 'tag' }>();
  for (const pair of pairs) {
    const cover = coverOf(pair.accountIds, ctx);
    const parts: ('base' | 'tag')[] = [];
    if (cover.ouIds.length > 0 || cover.accounts.length > 0) parts.push('base');
    if (cover.tag !== undefined) parts.push('tag');
    for (const part of parts) {
      const key = `${pair.permissionSetName}\u0000${part}\u0000${coverKey(cover, part)}`;
      const group = byTarget.get(key);
      if (group === undefined) byTarget.set(key, { pairs: [pair], cover, part });
      else group.pairs.push(pair);
    }
  }

  const usedIds = new Set<string>();
  const rules: ImportedRule[] = [];
  const groups = [...byTarget.values()].sort(
    (a, b) =>
      (a.pairs[0] as Pair).permissionSetName.localeCompare((b.pairs[0] as Pair).permissionSetName) ||
      (a.part === b.part ? 0 : a.part === 'base' ? -1 : 1) ||
      (a.pairs[0] as Pair).principalLabel.localeCompare((b.pairs[0] as Pair).principalLabel),
  );
  for (const { pairs: members, cover, part } of groups) {
    const first = members[0] as Pair;
    const sorted = [...members].sort((a, b) => a.principalLabel.localeCompare(b.principalLabel));
    const targets: Targets =
      part === 'tag'
        ? { accountTags: { [(cover.tag as { key: string }).key]: [(cover.tag as { value: string }).value] } }
        : {
            ...(cover.ouIds.length > 0 ? { organizationalUnits: cover.ouIds.map((id) => ouRef(ctx.tree, id)) } : {}),
            ...(cover.accounts.length > 0 ? { accounts: [...cover.accounts] } : {}),
          };
    const id = uniqueId(`adopt-${slug(first.permissionSetName)}-${slug(labelOf(sorted[0] as Pair))}`, usedIds);
    const accountCount = part === 'tag' ? tagAccounts(cover, ctx).length : baseAccountCount(cover, ctx);
    rules.push({
      rule: {
        id,
        principals: sorted.map((p) => p.principal),
        permissionSets: [first.permissionSetName],
        targets,
      },
      origin: describeOrigin(sorted, first.permissionSetName, cover, part, ctx),
      assignments: accountCount * sorted.length,
    });
  }
  return rules;
};

const labelOf = (pair: Pair): string =>
  'group' in pair.principal ? pair.principal.group : 'user' in pair.principal ? pair.principal.user : 'users';

const coverKey = (cover: Cover, part: 'base' | 'tag'): string =>
  part === 'tag' ? `${cover.tag?.key}=${cover.tag?.value}` : `${cover.ouIds.join(',')}|${cover.accounts.join(',')}`;

const eligibleUnder = (ouId: string, ctx: RuleContext): readonly string[] => {
  const known = ctx.under.get(ouId);
  if (known !== undefined) return known;
  const found = ctx.tree.accountsUnder(ouId).filter((id) => ctx.eligible.has(id));
  ctx.under.set(ouId, found);
  return found;
};

/**
 * Chooses the targets for one set of accounts: one OU when a single OU holds exactly them; else
 * one tag key and value held by exactly them among the eligible accounts; else the highest OUs all
 * of whose eligible accounts (nested included) are in the set, one exact tag for what is left, and
 * the remaining accounts by id.
 */
const coverOf = (accountIds: ReadonlySet<string>, ctx: RuleContext): Cover => {
  const ouIds: string[] = [];
  const covered = new Set<string>();
  const root = ctx.tree.root;
  if (root !== undefined) {
    const { children } = ctx;
    const visit = (ouId: string): void => {
      const under = eligibleUnder(ouId, ctx);
      if (under.length > 0 && under.every((id) => accountIds.has(id))) {
        ouIds.push(ouId);
        for (const id of under) covered.add(id);
        return;
      }
      for (const child of children.get(ouId) ?? []) visit(child);
    };
    visit(root.id);
  }
  const rest = [...accountIds].filter((id) => !covered.has(id)).sort();
  // One tag that explains every account reads better than several OUs and a list.
  if (ctx.tagsRead && accountIds.size >= 2 && (ouIds.length > 1 || (ouIds.length === 1 && rest.length > 0))) {
    const tag = exactTag([...accountIds].sort(), ctx);
    if (tag !== undefined) return { ouIds: [], tag, accounts: [] };
  }
  if (rest.length >= 2 && ctx.tagsRead) {
    const tag = exactTag(rest, ctx);
    if (tag !== undefined) return { ouIds, tag, accounts: [] };
  }
  return { ouIds, accounts: rest };
};

const childrenOf = (view: OrganizationView): Map<string, string[]> => {
  const children = new Map<string, string[]>();
  for (const ou of view.organizationalUnits) {
    if (ou.parentId === null) continue;
    const list = children.get(ou.parentId);
    if (list === undefined) children.set(ou.parentId, [ou.id]);
    else list.push(ou.id);
  }
  for (const list of children.values()) list.sort();
  return children;
};

/** A tag that the given accounts hold and no other eligible account does; the first in key order. */
const exactTag = (accountIds: readonly string[], ctx: RuleContext): { key: string; value: string } | undefined => {
  const wanted = new Set(accountIds);
  const first = ctx.index.accountById.get(accountIds[0] as string)?.tags ?? {};
  for (const key of Object.keys(first).sort()) {
    const value = first[key] as string;
    // A tag value with pattern characters could not be written as an exact value.
    if (/[*?[\]]/.test(value)) continue;
    const holders = ctx.holders.get(`${key}\u0000${value}`) ?? [];
    if (holders.length === wanted.size && holders.every((id) => wanted.has(id))) return { key, value };
  }
  return undefined;
};

const tagAccounts = (cover: Cover, ctx: RuleContext): readonly string[] =>
  cover.tag === undefined ? [] : (ctx.holders.get(`${cover.tag.key}\u0000${cover.tag.value}`) ?? []);

const baseAccountCount = (cover: Cover, ctx: RuleContext): number =>
  cover.ouIds.reduce((n, id) => n + eligibleUnder(id, ctx).length, 0) + cover.accounts.length;

/** The OU's path when it names exactly this OU, otherwise its id (two sibling OUs may share a name). */
const ouRef = (tree: OrgTree, ouId: string): string => {
  const path = tree.pathOf(ouId);
  return path !== undefined && tree.resolve(path) === ouId ? path : ouId;
};

const describeOrigin = (
  pairs: readonly Pair[],
  psName: string,
  cover: Cover,
  part: 'base' | 'tag',
  ctx: RuleContext,
): string => {
  const who = pairs.map((p) => p.principalLabel).join(', ');
  if (part === 'tag') {
    const n = tagAccounts(cover, ctx).length;
    return `${psName} for ${who}: held on exactly the ${n} accounts tagged ${cover.tag?.key}=${cover.tag?.value}`;
  }
  const parts: string[] = [];
  for (const id of cover.ouIds) {
    const n = eligibleUnder(id, ctx).length;
    parts.push(
      `every account of ${ctx.tree.pathOf(id) ?? id} (${n} ${n === 1 ? 'account' : 'accounts'}, nested OUs included)`,
    );
  }
  if (cover.accounts.length > 0) {
    const names = cover.accounts.map((id) => ctx.index.accountById.get(id)?.name ?? id);
    parts.push(`${cover.accounts.length === 1 ? 'account' : 'accounts'} ${names.join(', ')}`);
  }
  return `${psName} for ${who}: held today on ${parts.join(' and ')}`;
};

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'x';

const uniqueId = (base: string, used: Set<string>): string => {
  let id = base.slice(0, 120);
  for (let n = 2; used.has(id); n++) id = `${base.slice(0, 120)}-${n}`;
  used.add(id);
  return id;
};
