import * as z from 'zod';
import type { AccountAssignment, OrganizationView } from './model.js';
import { PROTOTYPE_KEY_PROBLEM, prototypeKeyPaths } from './prototype-keys.js';

/**
 * The organization snapshot file (docs/design.md §6): one JSON format for `plan`, `simulate`, the emulator
 * seed and `snapshot` exports. Extra user attributes sit at the top level of each user.
 */

const accountId = z.string().regex(/^\d{12}$/);
const principalType = z.enum(['USER', 'GROUP']);

export const snapshotSchema = z.object({
  instanceArn: z.string().regex(/^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/),
  identityStoreId: z.string().regex(/^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  managementAccountId: accountId,
  organizationalUnits: z.array(z.object({ id: z.string(), name: z.string(), parentId: z.string().nullable() })),
  accounts: z.array(
    z.object({
      id: accountId,
      name: z.string(),
      email: z.string(),
      status: z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']),
      parentId: z.string(),
      tags: z.record(z.string(), z.string()).default({}),
    }),
  ),
  permissionSets: z.array(z.object({ arn: z.string(), name: z.string() })),
  groups: z.array(z.object({ id: z.string(), displayName: z.string() })),
  users: z.array(
    z.object({
      id: z.string(),
      userName: z.string(),
      displayName: z.string().optional(),
      active: z.boolean().default(true),
      emails: z.array(z.string()).optional(),
      title: z.string().optional(),
      userType: z.string().optional(),
      department: z.string().optional(),
      division: z.string().optional(),
      organization: z.string().optional(),
      costCenter: z.string().optional(),
      employeeNumber: z.string().optional(),
      locale: z.string().optional(),
      preferredLanguage: z.string().optional(),
      timezone: z.string().optional(),
    }),
  ),
  groupMemberships: z.array(z.object({ groupId: z.string(), userId: z.string() })).default([]),
  assignments: z
    .array(z.object({ accountId, permissionSetArn: z.string(), principalType, principalId: z.string() }))
    .default([]),
});

export type Snapshot = z.infer<typeof snapshotSchema>;

export class SnapshotError extends Error {
  constructor(source: string, details: string, options?: ErrorOptions) {
    super(`Invalid snapshot ${source}: ${details}`, options);
    this.name = 'SnapshotError';
  }
}

/** At most this many problems are listed; a broken export can have thousands. */
const MAX_LISTED_PROBLEMS = 10;

const listProblems = (problems: readonly string[]): string =>
  problems.length > MAX_LISTED_PROBLEMS
    ? `${problems.slice(0, MAX_LISTED_PROBLEMS).join('; ')}; and ${problems.length - MAX_LISTED_PROBLEMS} more`
    : problems.join('; ');

/**
 * Validates a parsed snapshot (a file, an export of the live organization, an emulator seed) and
 * checks that it describes one organization: no `__proto__` key anywhere, every id and every name
 * that rules or assignments refer to given once, OUs forming one tree under one root, and every
 * reference pointing at something the snapshot holds. Each problem names the offending ids.
 *
 * @throws SnapshotError listing the first problems found.
 *
 * @example
 * const snapshot = parseSnapshot(JSON.parse(text), 'org.json');
 */
export const parseSnapshot = (value: unknown, source = 'snapshot'): Snapshot => {
  const refused = prototypeKeyPaths(value);
  if (refused.length > 0) {
    throw new SnapshotError(source, listProblems(refused.map((path) => `${path.join('.')}: ${PROTOTYPE_KEY_PROBLEM}`)));
  }
  const result = snapshotSchema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new SnapshotError(source, listProblems(details));
  }
  const problems = snapshotProblems(result.data);
  if (problems.length > 0) throw new SnapshotError(source, listProblems(problems));
  return result.data;
};

/** What makes a well-formed snapshot describe something no organization can be. */
const snapshotProblems = (s: Snapshot): string[] => {
  const problems: string[] = [];
  const ous = new Set(s.organizationalUnits.map((o) => o.id));
  const roots = s.organizationalUnits.filter((o) => o.parentId === null);
  if (roots.length !== 1) {
    problems.push(
      `expected exactly one root (parentId null), found ${roots.length}${roots.length > 1 ? `: ${roots.map((o) => o.id).join(', ')}` : ''}`,
    );
  }
  // Ids are what assignments and memberships point at; a second entry with the same id would
  // make one of the two invisible, or both, depending on who reads it.
  problems.push(
    ...duplicates('OU id', s.organizationalUnits, (o) => o.id),
    ...duplicates('account id', s.accounts, (a) => a.id),
    ...duplicates('permission set ARN', s.permissionSets, (p) => p.arn),
    ...duplicates('group id', s.groups, (g) => g.id),
    ...duplicates('user id', s.users, (u) => u.id),
  );
  // Names are what rules say: OUs by path (so a name once per parent), permission sets, groups
  // and users by name, all case-sensitive as in AWS. Account names are not unique in AWS and
  // rules never name an account, so two accounts may share one.
  problems.push(
    ...duplicates(
      'OU name',
      s.organizationalUnits.filter((o) => o.parentId !== null),
      (o) => `${JSON.stringify(o.name)} under ${o.parentId}`,
      (o) => o.id,
    ),
    ...duplicates(
      'permission set name',
      s.permissionSets,
      (p) => JSON.stringify(p.name),
      (p) => p.arn,
    ),
    ...duplicates(
      'group displayName',
      s.groups,
      (g) => JSON.stringify(g.displayName),
      (g) => g.id,
    ),
    ...duplicates(
      'user userName',
      s.users,
      (u) => JSON.stringify(u.userName),
      (u) => u.id,
    ),
  );
  for (const ou of s.organizationalUnits) {
    if (ou.parentId !== null && !ous.has(ou.parentId)) problems.push(`OU ${ou.id} has unknown parent ${ou.parentId}`);
  }
  problems.push(...ouCycles(s.organizationalUnits));
  for (const a of s.accounts) {
    if (!ous.has(a.parentId)) problems.push(`account ${a.id} has unknown parent ${a.parentId}`);
  }
  const accounts = new Set(s.accounts.map((a) => a.id));
  const sets = new Set(s.permissionSets.map((p) => p.arn));
  const users = new Set(s.users.map((u) => u.id));
  const groups = new Set(s.groups.map((g) => g.id));
  for (const m of s.groupMemberships) {
    if (!groups.has(m.groupId) || !users.has(m.userId))
      problems.push(`membership ${m.groupId}/${m.userId} names an unknown group or user`);
  }
  for (const a of s.assignments) {
    if (!accounts.has(a.accountId)) problems.push(`assignment on unknown account ${a.accountId}`);
    if (!sets.has(a.permissionSetArn)) problems.push(`assignment with unknown permission set ${a.permissionSetArn}`);
  }
  return problems;
};

/**
 * One problem per key held by more than one item, the key as `keyOf` shows it:
 * `duplicate account id 222233334444 (2 entries)`, or with `idOf` the ids of the holders:
 * `duplicate group displayName "Admins" (g-1, g-2)`.
 */
const duplicates = <T>(
  what: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  idOf?: (item: T) => string,
): string[] => {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const holders = byKey.get(key);
    if (holders === undefined) byKey.set(key, [item]);
    else holders.push(item);
  }
  return [...byKey]
    .filter(([, holders]) => holders.length > 1)
    .map(([key, holders]) =>
      idOf === undefined
        ? `duplicate ${what} ${key} (${holders.length} entries)`
        : `duplicate ${what} ${key} (${holders.map(idOf).join(', ')})`,
    );
};

/** Every cycle of OU parents, once each: `OU cycle ou-a → ou-b → ou-a`. OUs in a cycle never reach the root. */
const ouCycles = (organizationalUnits: Snapshot['organizationalUnits']): string[] => {
  const parentOf = new Map(organizationalUnits.map((o) => [o.id, o.parentId]));
  const settled = new Set<string>();
  const cycles: string[] = [];
  for (const start of organizationalUnits) {
    const chain: string[] = [];
    const onChain = new Set<string>();
    let at: string | null | undefined = start.id;
    while (at !== null && at !== undefined && !settled.has(at) && !onChain.has(at)) {
      chain.push(at);
      onChain.add(at);
      at = parentOf.get(at);
    }
    if (at !== null && at !== undefined && onChain.has(at)) {
      const cycle = chain.slice(chain.indexOf(at));
      cycles.push(`OU cycle ${[...cycle, at].join(' → ')}: these OUs do not descend from the root`);
    }
    for (const id of chain) settled.add(id);
  }
  return cycles;
};

/** The organization view of a snapshot (everything but the instance and the assignments). */
export const snapshotView = (s: Snapshot): OrganizationView => ({
  managementAccountId: s.managementAccountId,
  organizationalUnits: s.organizationalUnits,
  accounts: s.accounts,
  permissionSets: s.permissionSets,
  groups: s.groups,
  users: s.users,
  groupMemberships: s.groupMemberships,
});

export const snapshotAssignments = (s: Snapshot): AccountAssignment[] => s.assignments;
