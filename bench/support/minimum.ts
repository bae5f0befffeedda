import { ruleNeeds } from '../../shared/domain/reconcile/rule-needs.js';
import { loadRuleSet } from '../../shared/domain/rules/load.js';
import type { Snapshot } from '../../shared/domain/snapshot.js';
import type { RulesDocument } from './orgs.js';

/**
 * The fewest calls a change needs, counted by formula from the state before it (docs/benchmarks.md,
 * "The minimum"): the API-call benchmark sets each event against it, and the organization-run
 * benchmark sets each run's Identity Center calls against it and takes its request-rate floor
 * from it.
 */

/** The emulator's page size in every benchmark: Organizations' maximum, a common AWS default elsewhere. */
export const PAGE_SIZE = 20;

/** Pages of a listing of `items` (one even when empty). */
export const pages = (items: number): number => Math.max(1, Math.ceil(items / PAGE_SIZE));

export type Counts = Record<string, number>;
export const add = (counts: Counts, operation: string, n: number): void => {
  if (n > 0) counts[operation] = (counts[operation] ?? 0) + n;
};

export const needsOf = (rules: RulesDocument) => {
  const loaded = loadRuleSet([{ name: rules.name, text: rules.value }]);
  if (!loaded.ok) throw new Error('bench rules do not load');
  return ruleNeeds(loaded.ruleSet);
};

/** The cacheable directory reads, once per event. */
export const directoryMinimum = (counts: Counts, snapshot: Snapshot, rules: RulesDocument, withTree: boolean): void => {
  const needs = needsOf(rules);
  if (withTree) {
    add(counts, 'ListRoots', 1);
    add(counts, 'ListOrganizationalUnitsForParent', snapshot.organizationalUnits.length);
  }
  add(counts, 'ListPermissionSets', pages(snapshot.permissionSets.length));
  add(counts, 'DescribePermissionSet', snapshot.permissionSets.length);
  add(counts, 'GetGroupId', needs.groupNames.length);
  add(counts, 'GetUserId', needs.userNames.length);
  add(counts, 'DescribeUser', needs.userNames.length);
};

export const accountMinimum = (counts: Counts, snapshot: Snapshot, accountId: string, usesTags: boolean): void => {
  add(counts, 'DescribeAccount', 1);
  add(counts, 'ListParents', 1);
  if (usesTags) add(counts, 'ListTagsForResource', 1);
  const perSet = new Map<string, number>();
  for (const a of snapshot.assignments) {
    if (a.accountId === accountId) perSet.set(a.permissionSetArn, (perSet.get(a.permissionSetArn) ?? 0) + 1);
  }
  add(counts, 'ListPermissionSetsProvisionedToAccount', pages(perSet.size));
  for (const n of perSet.values()) add(counts, 'ListAccountAssignments', pages(n));
};

export const writesMinimum = (counts: Counts, created: number, deleted: number): void => {
  add(counts, 'CreateAccountAssignment', created);
  add(counts, 'DescribeAccountAssignmentCreationStatus', created);
  add(counts, 'DeleteAccountAssignment', deleted);
  add(counts, 'DescribeAccountAssignmentDeletionStatus', deleted);
};
