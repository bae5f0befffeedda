import { type AccountAssignment, assignmentKey } from '../../../shared/domain/model.js';
import { plan } from '../../../shared/domain/plan.js';
import { loadRuleSet } from '../../../shared/domain/rules/load.js';
import { type Snapshot, snapshotView } from '../../../shared/domain/snapshot.js';
import {
  ADMIN,
  ALICE,
  AUDITORS,
  BILLING,
  BOB,
  BREAK_GLASS,
  BREAK_GLASS_ADMIN,
  CAROL,
  DAVE,
  DEVELOPERS,
  PLATFORM,
  POWER_USER,
  READ_ONLY,
  RULES_DOCUMENTS,
} from './fixture.js';

/**
 * What is left to do once a scenario is over: the plan of the whole organization in the end
 * state, against the rules in force. Converged means nothing to create, nothing to delete and
 * nothing held back.
 */
export const remainingDrift = (
  snapshot: Snapshot,
  documents: readonly { readonly name: string; readonly value: string }[] = RULES_DOCUMENTS,
): { create: string[]; delete: string[]; blocked: number } => {
  const loaded = loadRuleSet(documents.map((d) => ({ name: d.name, text: d.value })));
  if (!loaded.ok) throw new Error(`the scenario's rules are invalid: ${JSON.stringify(loaded.issues)}`);
  const changes = plan({
    ruleSet: loaded.ruleSet,
    view: snapshotView(snapshot),
    actualAssignments: snapshot.assignments,
    actualMemberships: snapshot.groupMemberships,
    includeMemberships: false,
  });
  return {
    create: changes.create.map(label),
    delete: changes.delete.map(label),
    blocked: changes.blocked.reduce((sum, b) => sum + b.wouldDelete, 0),
  };
};

export const CONVERGED = { create: [], delete: [], blocked: 0 };

/** `account permission-set-name principal-name`, for assertions a reader can check against the fixture. */
export const label = (a: AccountAssignment | { accountId: string; permissionSetArn: string; principalId: string }) =>
  `${a.accountId} ${PERMISSION_SET_NAMES.get(a.permissionSetArn) ?? a.permissionSetArn} ${PRINCIPAL_NAMES.get(a.principalId) ?? a.principalId}`;

export const labels = (assignments: readonly AccountAssignment[]): string[] => assignments.map(label).sort();

/** The landed assignments, as labels. */
export const assignmentLabels = (snapshot: Snapshot, accountId?: string): string[] =>
  labels(snapshot.assignments.filter((a) => accountId === undefined || a.accountId === accountId));

export const hasAssignment = (snapshot: Snapshot, assignment: AccountAssignment): boolean =>
  snapshot.assignments.some((a) => assignmentKey(a) === assignmentKey(assignment));

/** Keys that appear more than once (the contract is a set; a duplicate would be a bug). */
export const duplicateKeys = (snapshot: Snapshot): string[] => {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const a of snapshot.assignments) {
    const key = assignmentKey(a);
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
  }
  return duplicates;
};

const PERMISSION_SET_NAMES = new Map([
  [ADMIN, 'AdministratorAccess'],
  [POWER_USER, 'PowerUserAccess'],
  [READ_ONLY, 'ReadOnlyAccess'],
  [BILLING, 'BillingAccess'],
  [BREAK_GLASS_ADMIN, 'BreakGlassAdmin'],
]);

const PRINCIPAL_NAMES = new Map([
  [PLATFORM, 'Platform Admins'],
  [DEVELOPERS, 'Developers'],
  [AUDITORS, 'Auditors'],
  [BREAK_GLASS, 'BreakGlass'],
  [ALICE, 'alice'],
  [BOB, 'bob'],
  [CAROL, 'carol'],
  [DAVE, 'dave'],
]);
