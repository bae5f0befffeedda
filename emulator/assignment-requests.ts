import { randomUUID } from 'node:crypto';
import type { AccountAssignment } from '../shared/domain/model.js';
import type { WorldState } from './world.js';

/**
 * Asynchronous `CreateAccountAssignment` / `DeleteAccountAssignment` requests. A request is accepted
 * as `IN_PROGRESS` and lands `latencyMs` emulated milliseconds later. Landing is lazy: every request
 * to the emulator (and every world read) first lands whatever is due, in due order, which gives the
 * same observable result as timers without leaving any running.
 */

export type AssignmentRequestKind = 'create' | 'delete';
export type AssignmentRequestStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

export interface AssignmentRequest {
  readonly requestId: string;
  readonly kind: AssignmentRequestKind;
  readonly assignment: AccountAssignment;
  readonly createdAt: number;
  readonly dueAt: number;
  /** Decided when the request was accepted (`failAssignmentsOnAccounts`). */
  readonly injectedFailure: boolean;
  status: AssignmentRequestStatus;
  failureReason?: string;
}

export interface AssignmentRequests {
  submit(kind: AssignmentRequestKind, assignment: AccountAssignment, injectedFailure: boolean): AssignmentRequest;
  get(requestId: string): AssignmentRequest | undefined;
  /** Lands every request due at or before `now`. */
  advance(now: number): void;
  inFlightOnAccount(accountId: string): boolean;
  outstandingCreates(): number;
  /** The emulated time the next in-flight request lands, if any. */
  nextDueAt(): number | undefined;
}

export const principalNotFoundReason = (principalId: string): string =>
  `Received a 404 status error: Not supported: The principal ${principalId} does not exist.`;

export const createAssignmentRequests = (
  world: WorldState,
  options: { readonly latencyMs: number; readonly now: () => number },
): AssignmentRequests => {
  const all = new Map<string, AssignmentRequest>();
  let pending: AssignmentRequest[] = [];

  const land = (request: AssignmentRequest): void => {
    const a = request.assignment;
    const fail = (reason: string): void => {
      request.status = 'FAILED';
      request.failureReason = reason;
    };
    if (request.injectedFailure) {
      fail(`Request failed by the emulator's fault injection for account ${a.accountId}.`);
      return;
    }
    if (request.kind === 'create') {
      if (!world.accounts.has(a.accountId)) {
        fail(`The target account ${a.accountId} is not a member of the organization.`);
      } else if (!world.principalExists(a.principalType, a.principalId)) {
        fail(principalNotFoundReason(a.principalId));
      } else if (!world.permissionSets.has(a.permissionSetArn)) {
        // Deleted while the request was in flight; AWS's wording for this case is not known.
        fail(`Received a 404 status error: The permission set ${a.permissionSetArn} does not exist.`);
      } else {
        world.addAssignment(a);
        request.status = 'SUCCEEDED';
      }
      return;
    }
    world.removeAssignment(a);
    // AWS removes an orphaned assignment but reports the missing principal as a failure (docs/aws-facts.md §3.3).
    if (!world.principalExists(a.principalType, a.principalId)) fail(principalNotFoundReason(a.principalId));
    else request.status = 'SUCCEEDED';
  };

  return {
    submit: (kind, assignment, injectedFailure) => {
      const createdAt = options.now();
      const request: AssignmentRequest = {
        requestId: randomUUID(),
        kind,
        assignment: { ...assignment },
        createdAt,
        dueAt: createdAt + options.latencyMs,
        injectedFailure,
        status: 'IN_PROGRESS',
      };
      all.set(request.requestId, request);
      // Latency is uniform, so appending keeps `pending` ordered by due time.
      pending.push(request);
      return request;
    },
    get: (requestId) => all.get(requestId),
    advance: (now) => {
      let landed = 0;
      for (const request of pending) {
        if (request.dueAt > now) break;
        land(request);
        landed += 1;
      }
      if (landed > 0) pending = pending.slice(landed);
    },
    inFlightOnAccount: (accountId) => pending.some((r) => r.assignment.accountId === accountId),
    outstandingCreates: () => pending.filter((r) => r.kind === 'create').length,
    nextDueAt: () => pending[0]?.dueAt,
  };
};
