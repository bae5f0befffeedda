import type { PrincipalType } from '../model.js';
import type { OrganizationTotals } from '../plan.js';
import type { PlanBlock, PlanError } from '../plan-types.js';

/**
 * The unit of change (docs/design.md §1 "Runs"): one event's scopes, or one organization-wide
 * pass. A run has an id, the rules version it plans with, and one revocation guard.
 */
export type RunTrigger = 'event' | 'rules-change' | 'schedule' | 'approval';

/** What every work item of a run carries. */
export interface RunContext {
  readonly runId: string;
  /** {@link rulesVersionOf} the rule set the run planned with. */
  readonly rulesVersion: string;
  /** Set on items of an organization-wide run: the changes the run planned for the item's scope. */
  readonly planned?: PlannedPart;
  /** Parts of one scope's changes split across items (a large account) are numbered from 0. */
  readonly part?: number;
  /** Set on the items that read an organization-wide run's organization in parts (docs/design.md §1.3). */
  readonly read?: ReadPart;
}

/**
 * One part of an organization-wide run's read of Identity Center: the directory, or a chunk of
 * accounts. Each part is its own SQS message group, so the organization lane's environments read
 * the parts side by side.
 */
export interface ReadPart {
  /** `directory`, or `accounts-<n>` for the run's accounts part number n. */
  readonly name: string;
  /** The accounts an `accounts-` part reads. */
  readonly accountIds?: readonly string[];
  /**
   * How far the part had got when this item was queued: 0 for the part's first item, more for the
   * item that continues a part which ran short of time. Keeps the two apart for deduplication.
   */
  readonly from: number;
}

/**
 * One scope's share of an organization-wide run's plan, as keys. On an `account` item the
 * assignment keys leave out the account (`<permissionSetArn>|<principalType>|<principalId>`); on
 * a `principal:USER` item the membership keys are group ids. Offboarding changes are apart from
 * rules changes because the worker re-checks them against the principal, not against the rules.
 */
export interface PlannedPart {
  readonly create?: readonly string[];
  readonly delete?: readonly string[];
  readonly offboard?: readonly string[];
  readonly addTo?: readonly string[];
  readonly removeFrom?: readonly string[];
  readonly offboardFrom?: readonly string[];
}

export type RunStatus =
  /** Reading the organization in parts. */
  | 'reading'
  /** Planned; its work is queued (or there was none). */
  | 'planned'
  /** The guard tripped: grants are queued, revocations wait for an approval. */
  | 'blocked'
  /** A blocked run whose held revocations an approval run released. */
  | 'approved';

export interface RunCounts {
  readonly create: number;
  readonly delete: number;
  readonly membershipAdd: number;
  readonly membershipRemove: number;
  readonly held: number;
  readonly errors: number;
  /** Work items queued. */
  readonly items: number;
}

/** What the run store keeps of one run. */
export interface RunRecord {
  readonly runId: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly rulesVersion: string;
  readonly origin: { readonly eventId: string; readonly eventName: string; readonly source: string };
  readonly counts?: RunCounts;
  /** The organization's totals counted by this run (organization-wide runs). */
  readonly totals?: OrganizationTotals;
  /** Held changes and other blocks; an approval releases the held revocations among them. */
  readonly blocked?: readonly PlanBlock[];
  readonly errors?: readonly PlanError[];
  /** Approval runs: the run they release and who asked. */
  readonly approves?: string;
  readonly approvedBy?: string;
  /** Blocked runs: the approval run that released them. */
  readonly approvedIn?: string;
  /** Approval runs skip the guard; recorded so that `runs` shows it. */
  readonly guardBypassed?: boolean;
  /**
   * Organization-wide runs: how many accounts the run reads, in how many parts (the directory
   * included), and whether its accounts parts read the accounts' tags (the rules select accounts
   * by tag). A run started before the parts read tags has no `accountTags`: its frame holds them.
   */
  readonly read?: { readonly accounts: number; readonly parts: number; readonly accountTags?: boolean };
  /** `report` runs plan and tell, and queue nothing. */
  readonly mode?: 'enforce' | 'report';
}

/** The assignment key within an account, as {@link PlannedPart} holds it. */
export const partAssignmentKey = (a: {
  readonly permissionSetArn: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
}): string => `${a.permissionSetArn}|${a.principalType}|${a.principalId}`;

/** The inverse of {@link partAssignmentKey}; `undefined` for anything else. */
export const parsePartAssignmentKey = (
  key: string,
): { permissionSetArn: string; principalType: PrincipalType; principalId: string } | undefined => {
  const [permissionSetArn, principalType, principalId, ...rest] = key.split('|');
  if (rest.length > 0 || permissionSetArn === undefined || principalId === undefined) return undefined;
  if (principalType !== 'USER' && principalType !== 'GROUP') return undefined;
  return { permissionSetArn, principalType, principalId };
};
