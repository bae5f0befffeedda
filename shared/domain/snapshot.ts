import * as z from 'zod';
import type { AccountAssignment, OrganizationView } from './model.js';

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

/**
 * Validates a parsed snapshot and checks that its references hold together (parents exist,
 * assignments point at known accounts, permission sets and principals).
 */
export const parseSnapshot = (value: unknown, source = 'snapshot'): Snapshot => {
  const result = snapshotSchema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new SnapshotError(source, details);
  }
  const s = result.data;
  const problems: string[] = [];
  const ous = new Set(s.organizationalUnits.map((o) => o.id));
  const roots = s.organizationalUnits.filter((o) => o.parentId === null);
  if (roots.length !== 1) problems.push(`expected exactly one root (parentId null), found ${roots.length}`);
  for (const ou of s.organizationalUnits) {
    if (ou.parentId !== null && !ous.has(ou.parentId)) problems.push(`OU ${ou.id} has unknown parent ${ou.parentId}`);
  }
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
  if (problems.length > 0) throw new SnapshotError(source, problems.slice(0, 10).join('; '));
  return s;
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
