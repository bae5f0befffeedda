import {
  type AccountAssignmentOperationStatus,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  type DeleteAccountAssignmentCommandOutput,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { AssignmentOperationError, PrincipalListingUnavailableError } from '../domain/errors.js';
import type { AccountAssignment, PermissionSet, PrincipalType } from '../domain/model.js';
import type { SsoAdminPort } from '../domain/ports.js';
import { isAwsError } from './aws-errors.js';
import { type BackoffOptions, realSleep, type Sleep, withBackoff } from './backoff.js';
import { type AssignmentLimiter, sharedAssignmentLimiter } from './limiter.js';
import { collectPages } from './paginate.js';

type SsoAdminSend = Pick<SSOAdminClient, 'send'>;

export interface SsoAdminAdapterOptions {
  readonly instanceArn: string;
  /**
   * The client for `Create/DeleteAccountAssignment`, ideally with the SDK's retry off
   * (`createClients().ssoAdminWrites`) since this adapter retries them itself. Default: the main client.
   */
  readonly writeClient?: SsoAdminSend;
  /** Identity Center's quota of outstanding creates (default 10). */
  readonly maxOutstandingCreates?: number;
  /** Default: the process-wide limiter of this instance ({@link sharedAssignmentLimiter}). */
  readonly limiter?: AssignmentLimiter;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** Attempts per write or status poll on a retryable error, the first included (default 8). */
  readonly maxAttempts?: number;
  /** First backoff ceiling in ms; it doubles per attempt (default 250). */
  readonly backoffBaseMs?: number;
  /** Largest backoff ceiling in ms (default 20,000). */
  readonly backoffCapMs?: number;
  /**
   * First pause before polling a request status, in ms, until the adapter has seen requests finish;
   * it grows by half per poll (default 1,000). After that the first pause is learnt (see
   * {@link PollCadence}).
   */
  readonly pollIntervalMs?: number;
  /** Largest pause between polls, in ms (default 10,000). */
  readonly maxPollIntervalMs?: number;
  /** Give up waiting for a final status after this much time spent pausing, in ms (default 600,000). */
  readonly pollTimeoutMs?: number;
}

/** A request that was still `IN_PROGRESS` when the adapter stopped waiting; its outcome is unknown. */
export class AssignmentStatusTimeoutError extends Error {
  constructor(
    readonly operation: 'create' | 'delete',
    readonly requestId: string,
    waitedMs: number,
  ) {
    super(`Account assignment ${operation} request ${requestId} still in progress after ${waitedMs} ms`);
    this.name = 'AssignmentStatusTimeoutError';
  }
}

/** Identity Center answered without a field it documents as always present. */
export class SsoAdminResponseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SsoAdminResponseError';
  }
}

/**
 * Failure reasons of a deletion whose principal is already gone (the "404" of docs/aws-facts.md §3.3): the
 * assignment cannot outlive its principal in any way that matters, so the deletion is done.
 */
const PRINCIPAL_GONE = /\b404\b|not found|does ?n[o']t exist|no longer exists?/i;

const principalType = (value: string | undefined): PrincipalType => {
  if (value === 'USER' || value === 'GROUP') return value;
  throw new SsoAdminResponseError(`Unexpected principal type ${String(value)}`);
};

/** The shortest pause between two polls of one request, in ms. */
const MIN_POLL_PAUSE_MS = 100;
/**
 * Polls at the configured step before the pause starts to grow, while no request has finished yet.
 * A request that takes a few seconds (the usual case) is then seen within one step of landing,
 * where a growing schedule (1 s, 2.5 s, 4.75 s…) saw a 3-second request at 4.75 s. It matters most
 * for an environment's first writes, such as a freshly vended account's on a cold event-lane
 * environment, and costs no more polls for such a request (three, either way).
 */
const COLD_STEADY_POLLS = 5;

/**
 * How much a request already final at its first poll lowers the estimate, right after a miss: a
 * probe for a shorter latency, slow so that a steady latency costs few second polls.
 */
const PROBE_STEP = 0.0025;
/** Each further request final at its first poll, with no miss between, lowers it by this much more. */
const PROBE_GROWTH = 1.05;
/** The most one request lowers the estimate by, however long the estimate has not missed. */
const MAX_PROBE_STEP = 0.05;

/** What an environment has learnt about one operation's latency. */
interface Learnt {
  /** When to poll first, in ms after the write answered. */
  estimateMs: number;
  /** Requests final at their first poll since the last one that was not. */
  hitsInARow: number;
}

const otherOperation = { create: 'delete', delete: 'create' } as const;

/**
 * When to poll an assignment request's status. Writes on one account run one after another
 * (Identity Center updates one role per account at a time), so every moment between a request
 * landing and our poll seeing it is added to the account's whole chain of changes; a fixed or
 * growing schedule (1 s, 2.5 s, 4.75 s…) turns a 3-second request into a 4.75-second one. Polls
 * also draw from the same 20 TPS as everything else (docs/design.md §8), so polling early and
 * often is no answer either: every poll that finds a request still in progress is a request the
 * deployment's share pays for and learns nothing from but "not yet".
 *
 * The cadence learns, per operation, a high quantile of the latency rather than its middle: the
 * first poll comes at the estimate; a request still in progress then is polled again after a short
 * step (a twentieth of the estimate, then growing by half per further poll), and the estimate moves
 * to the poll that saw it final (a time known to be enough), but by at most a quarter per request,
 * so that one slow outlier does not delay every later poll. A request already final at its first
 * poll lowers the estimate, to keep probing for a shorter latency: by a quarter of a percent right
 * after a miss, a twentieth more with each further such request, at most 5%. The slow start of the
 * probe is what makes the estimate a high quantile: a steady latency is missed about once in
 * fifteen requests (1.07 polls each, simulated; a constant 1% probe, 1.17), and on the benchmark's
 * anchor, where the latency the adapter sees varies with its own round trips, creates cost 1.15
 * polls and deletes 1.07, against 1.25 each (docs/benchmarks.md). The growth is what still follows
 * a latency that drops (from 3 s to within 5% of 2 s in about 40 requests, as the constant probe
 * did); one that rises is followed at the next request, by up to a quarter per request. The cost is
 * lateness where the latency varies: simulated with a latency spread ±10% around 3 s, a request is
 * seen about 0.29 s after it is done on average, against 0.26 s with the constant probe; with a
 * steady one, 0.08 s either way.
 *
 * An operation with nothing learnt starts from the other operation's estimate when there is one
 * (both are Identity Center provisioning the account's permission-set roles; should deletes be
 * quicker, the probe finds it within about 40 requests, and slower, at the next); with nothing
 * learnt at all, polls come at the configured step (five of them, then growing by half), and the
 * first estimate is the middle of the last two polls. The first adapter built on a limiter fixes
 * that schedule, as the first caller fixes the limit.
 */
class PollCadence {
  readonly #learnt: { create?: Learnt; delete?: Learnt } = {};

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  /** The pauses before each poll of one request, and what its outcome teaches. */
  start(operation: 'create' | 'delete'): {
    readonly first: number;
    /** The pause after a poll that found the request in progress, `waitedMs` after it started. */
    next(waitedMs: number): number;
    /** The request was final at the poll `waitedMs` after it started. */
    done(waitedMs: number): void;
  } {
    const estimate = (this.#learnt[operation] ?? this.#learnt[otherOperation[operation]])?.estimateMs;
    const first =
      estimate === undefined ? this.initialMs : Math.min(this.maxMs, Math.max(MIN_POLL_PAUSE_MS, Math.round(estimate)));
    let pause = first;
    let misses = 0;
    let lastMissMs = 0;
    return {
      first,
      next: (waitedMs) => {
        misses += 1;
        lastMissMs = waitedMs;
        if (estimate === undefined) {
          // Nothing learnt yet: a steady step while a request is young enough to finish any moment.
          pause = misses < COLD_STEADY_POLLS ? this.initialMs : Math.min(this.maxMs, Math.ceil(pause * 1.5));
          return pause;
        }
        pause = Math.min(
          this.maxMs,
          misses === 1 ? Math.max(MIN_POLL_PAUSE_MS, Math.round(estimate / 20)) : Math.ceil(pause * 1.5),
        );
        return pause;
      },
      done: (waitedMs) => {
        // Another request may have taught something since this one started: learn on top of that.
        const current = this.#learnt[operation]?.estimateMs ?? estimate;
        if (current === undefined) {
          this.#learnt[operation] = { estimateMs: lastMissMs + (waitedMs - lastMissMs) / 2, hitsInARow: 0 };
        } else if (misses > 0) {
          this.#learnt[operation] = { estimateMs: Math.min(waitedMs, current * 1.25), hitsInARow: 0 };
        } else {
          const hits = this.#learnt[operation]?.hitsInARow ?? 0;
          const step = Math.min(MAX_PROBE_STEP, PROBE_STEP * PROBE_GROWTH ** hits);
          this.#learnt[operation] = { estimateMs: current * (1 - step), hitsInARow: hits + 1 };
        }
      },
    };
  }
}

/** One cadence per limiter: process-wide when the limiter is (the default), like the quotas it serves. */
const cadences = new WeakMap<AssignmentLimiter, PollCadence>();

/**
 * {@link SsoAdminPort} over the SSO Admin API, with the write discipline Identity Center requires
 * (docs/design.md §5, docs/aws-facts.md §3.1): every create and delete waits for its final status; conflicts,
 * throttles and server errors are retried with exponential backoff and full jitter; at most
 * `maxOutstandingCreates` creates are in flight and at most one change per account runs at a time.
 *
 * @example
 * const ssoAdmin = new SsoAdminAdapter(clients.ssoAdmin, { instanceArn, writeClient: clients.ssoAdminWrites });
 * await ssoAdmin.createAccountAssignment({ accountId, permissionSetArn, principalType: 'GROUP', principalId });
 */
export class SsoAdminAdapter implements SsoAdminPort {
  readonly #instanceArn: string;
  readonly #writer: SsoAdminSend;
  readonly #limiter: AssignmentLimiter;
  readonly #backoff: BackoffOptions;
  readonly #sleep: Sleep;
  readonly #cadence: PollCadence;
  readonly #pollTimeoutMs: number;
  #permissionSets: Promise<PermissionSet[]> | undefined;

  constructor(
    private readonly client: SsoAdminSend,
    options: SsoAdminAdapterOptions,
  ) {
    this.#instanceArn = options.instanceArn;
    this.#writer = options.writeClient ?? client;
    this.#limiter =
      options.limiter ?? sharedAssignmentLimiter(options.instanceArn, options.maxOutstandingCreates ?? 10);
    this.#sleep = options.sleep ?? realSleep;
    this.#backoff = {
      maxAttempts: options.maxAttempts ?? 8,
      baseMs: options.backoffBaseMs ?? 250,
      capMs: options.backoffCapMs ?? 20_000,
      sleep: this.#sleep,
      random: options.random ?? Math.random,
    };
    const pollIntervalMs = options.pollIntervalMs ?? 1_000;
    const maxPollIntervalMs = Math.max(pollIntervalMs, options.maxPollIntervalMs ?? 10_000);
    let cadence = cadences.get(this.#limiter);
    if (cadence === undefined) {
      cadence = new PollCadence(pollIntervalMs, maxPollIntervalMs);
      cadences.set(this.#limiter, cadence);
    }
    this.#cadence = cadence;
    this.#pollTimeoutMs = options.pollTimeoutMs ?? 600_000;
  }

  /** Forgets the cached permission sets. */
  clearCache(): void {
    this.#permissionSets = undefined;
  }

  listPermissionSets(): Promise<PermissionSet[]> {
    if (!this.#permissionSets) {
      const reading = this.#readPermissionSets();
      this.#permissionSets = reading;
      // A failed read must not stay cached: the next caller tries again.
      reading.catch(() => {
        if (this.#permissionSets === reading) this.#permissionSets = undefined;
      });
    }
    return this.#permissionSets.then((sets) => [...sets]);
  }

  async describePermissionSet(permissionSetArn: string): Promise<PermissionSet | undefined> {
    try {
      const described = await this.client.send(
        new DescribePermissionSetCommand({ InstanceArn: this.#instanceArn, PermissionSetArn: permissionSetArn }),
      );
      return { arn: permissionSetArn, name: described.PermissionSet?.Name ?? permissionSetArn };
    } catch (error) {
      if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  async listAccountAssignments(
    accountId: string,
    options: { readonly permissionSetArns?: readonly string[]; readonly likelyProvisioned?: readonly string[] } = {},
  ): Promise<AccountAssignment[]> {
    const provisioned = await this.#setsToRead(accountId, options.permissionSetArns, options.likelyProvisioned ?? []);
    const assignments: AccountAssignment[] = [];
    for (const permissionSetArn of provisioned) {
      assignments.push(...(await this.#assignmentsOfExisting(accountId, permissionSetArn)));
    }
    return assignments;
  }

  /**
   * The assignments of one permission set, or none when it has been deleted since the caller
   * named it (or since `ListPermissionSetsProvisionedToAccount` listed it). A not-found of
   * `ListAccountAssignments` is not trusted alone: only when `DescribePermissionSet` does not find
   * the set either does the listing go on without it (docs/aws-facts.md §3.1). Otherwise the
   * not-found is thrown, and the caller fails and is retried as on any failed read.
   */
  async #assignmentsOfExisting(accountId: string, permissionSetArn: string): Promise<AccountAssignment[]> {
    try {
      return await this.#assignmentsOf(accountId, permissionSetArn);
    } catch (error) {
      if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
      const gone = await this.describePermissionSet(permissionSetArn).then(
        (found) => found === undefined,
        () => false,
      );
      if (gone) return [];
      throw error;
    }
  }

  /**
   * The permission sets whose assignments to read, in as few calls as we can tell in advance.
   * `ListAccountAssignments` answers for a set that is not provisioned too (with none), so reading
   * every named set directly is always right; listing the provisioned sets first costs one call
   * and saves one per named set that turns out not to be provisioned. It pays, then, only when at
   * least two of the named sets may not be: a run that grants an account its first permission sets
   * reads one listing instead of one per set, and one that revokes (the sets held the assignments
   * when the run read them) reads its sets directly.
   */
  async #setsToRead(
    accountId: string,
    named: readonly string[] | undefined,
    likelyProvisioned: readonly string[],
  ): Promise<readonly string[]> {
    if (named === undefined) return this.#provisionedTo(accountId);
    const wanted = new Set(named);
    const likely = new Set(likelyProvisioned);
    const uncertain = [...wanted].filter((arn) => !likely.has(arn));
    if (uncertain.length <= 1) return [...wanted];
    return (await this.#provisionedTo(accountId)).filter((arn) => wanted.has(arn));
  }

  #provisionedTo(accountId: string): Promise<string[]> {
    return collectPages(
      (NextToken) =>
        this.client.send(
          new ListPermissionSetsProvisionedToAccountCommand({
            InstanceArn: this.#instanceArn,
            AccountId: accountId,
            NextToken,
          }),
        ),
      (page) => page.PermissionSets,
    );
  }

  async listAccountAssignmentsForPrincipal(
    principalTypeValue: PrincipalType,
    principalId: string,
  ): Promise<AccountAssignment[]> {
    try {
      const found = await collectPages(
        (NextToken) =>
          this.client.send(
            new ListAccountAssignmentsForPrincipalCommand({
              InstanceArn: this.#instanceArn,
              PrincipalType: principalTypeValue,
              PrincipalId: principalId,
              NextToken,
            }),
          ),
        (page) => page.AccountAssignments,
      );
      return found.map((item) => ({
        accountId: item.AccountId ?? '',
        permissionSetArn: item.PermissionSetArn ?? '',
        principalType: principalType(item.PrincipalType ?? principalTypeValue),
        principalId: item.PrincipalId ?? principalId,
      }));
    } catch (error) {
      // Only the management account may call it; the caller falls back to scanning accounts.
      if (isAwsError(error, 'AccessDeniedException')) throw new PrincipalListingUnavailableError({ cause: error });
      throw error;
    }
  }

  createAccountAssignment(assignment: AccountAssignment): Promise<void> {
    // The account lock is taken first so that a create waiting for its account holds no create slot.
    return this.#limiter.accounts.run(assignment.accountId, () =>
      this.#limiter.creates.run(async () => {
        const response = await withBackoff(
          'CreateAccountAssignment',
          () => this.#writer.send(new CreateAccountAssignmentCommand(this.#assignmentInput(assignment))),
          this.#backoff,
        );
        const final = await this.#awaitFinalStatus('create', response.AccountAssignmentCreationStatus, (requestId) =>
          this.client
            .send(
              new DescribeAccountAssignmentCreationStatusCommand({
                InstanceArn: this.#instanceArn,
                AccountAssignmentCreationRequestId: requestId,
              }),
            )
            .then((r) => r.AccountAssignmentCreationStatus),
        );
        if (final.Status === 'FAILED') {
          throw new AssignmentOperationError('create', final.FailureReason || 'no failure reason given');
        }
      }),
    );
  }

  deleteAccountAssignment(assignment: AccountAssignment): Promise<void> {
    return this.#limiter.accounts.run(assignment.accountId, async () => {
      let response: DeleteAccountAssignmentCommandOutput;
      try {
        response = await withBackoff(
          'DeleteAccountAssignment',
          () => this.#writer.send(new DeleteAccountAssignmentCommand(this.#assignmentInput(assignment))),
          this.#backoff,
        );
      } catch (error) {
        // The principal (or the assignment) is already gone: the deletion has nothing left to do.
        if (isAwsError(error, 'ResourceNotFoundException')) return;
        throw error;
      }
      const final = await this.#awaitFinalStatus('delete', response.AccountAssignmentDeletionStatus, (requestId) =>
        this.client
          .send(
            new DescribeAccountAssignmentDeletionStatusCommand({
              InstanceArn: this.#instanceArn,
              AccountAssignmentDeletionRequestId: requestId,
            }),
          )
          .then((r) => r.AccountAssignmentDeletionStatus),
      );
      if (final.Status === 'SUCCEEDED') return;
      const reason = final.FailureReason || 'no failure reason given';
      if (PRINCIPAL_GONE.test(reason)) return;
      // Deletions have been seen to end FAILED although the assignment went (docs/aws-facts.md §3.1): only
      // an assignment that is still listed makes this a failure.
      if (!(await this.#isAssigned(assignment))) return;
      throw new AssignmentOperationError('delete', reason);
    });
  }

  async #readPermissionSets(): Promise<PermissionSet[]> {
    const arns = await collectPages(
      (NextToken) => this.client.send(new ListPermissionSetsCommand({ InstanceArn: this.#instanceArn, NextToken })),
      (page) => page.PermissionSets,
    );
    const sets: PermissionSet[] = [];
    for (const arn of arns) {
      const described = await this.client.send(
        new DescribePermissionSetCommand({ InstanceArn: this.#instanceArn, PermissionSetArn: arn }),
      );
      sets.push({ arn, name: described.PermissionSet?.Name ?? arn });
    }
    return sets;
  }

  async #assignmentsOf(accountId: string, permissionSetArn: string): Promise<AccountAssignment[]> {
    const found = await collectPages(
      (NextToken) =>
        this.client.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: this.#instanceArn,
            AccountId: accountId,
            PermissionSetArn: permissionSetArn,
            NextToken,
          }),
        ),
      (page) => page.AccountAssignments,
    );
    return found.map((item) => ({
      accountId: item.AccountId ?? accountId,
      permissionSetArn: item.PermissionSetArn ?? permissionSetArn,
      principalType: principalType(item.PrincipalType),
      principalId: item.PrincipalId ?? '',
    }));
  }

  async #isAssigned(assignment: AccountAssignment): Promise<boolean> {
    const current = await withBackoff(
      'ListAccountAssignments',
      () => this.#assignmentsOf(assignment.accountId, assignment.permissionSetArn),
      this.#backoff,
    );
    return current.some(
      (item) => item.principalType === assignment.principalType && item.principalId === assignment.principalId,
    );
  }

  /** Polls until the request leaves IN_PROGRESS, at the pace {@link PollCadence} sets. */
  async #awaitFinalStatus(
    operation: 'create' | 'delete',
    initial: AccountAssignmentOperationStatus | undefined,
    describe: (requestId: string) => Promise<AccountAssignmentOperationStatus | undefined>,
  ): Promise<AccountAssignmentOperationStatus> {
    let status = initial;
    const requestId = initial?.RequestId;
    if (status?.Status === 'SUCCEEDED' || status?.Status === 'FAILED') return status;
    if (!requestId) throw new SsoAdminResponseError(`Account assignment ${operation} returned no request id`);
    const cadence = this.#cadence.start(operation);
    let pause = cadence.first;
    let waited = 0;
    for (;;) {
      if (waited >= this.#pollTimeoutMs) throw new AssignmentStatusTimeoutError(operation, requestId, waited);
      await this.#sleep(pause);
      waited += pause;
      status = await withBackoff(
        `DescribeAccountAssignment status (${operation})`,
        () => describe(requestId),
        this.#backoff,
      );
      if (status?.Status === 'SUCCEEDED' || status?.Status === 'FAILED') {
        cadence.done(waited);
        return status;
      }
      pause = cadence.next(waited);
    }
  }

  #assignmentInput(assignment: AccountAssignment) {
    return {
      InstanceArn: this.#instanceArn,
      TargetId: assignment.accountId,
      TargetType: 'AWS_ACCOUNT' as const,
      PermissionSetArn: assignment.permissionSetArn,
      PrincipalType: assignment.principalType,
      PrincipalId: assignment.principalId,
    };
  }
}

/** Instance discovery found no Identity Center instance, or more than one and none was configured. */
export class InstanceDiscoveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InstanceDiscoveryError';
  }
}

/**
 * Finds the one Identity Center instance this account can see (`ListInstances`), for deployments
 * that do not configure the instance ARN. More than one active instance is an error: guessing
 * which one to change is not an option.
 *
 * @example
 * const { instanceArn, identityStoreId } = await discoverInstance(clients.ssoAdmin);
 */
export const discoverInstance = async (
  client: SsoAdminSend,
): Promise<{ instanceArn: string; identityStoreId: string }> => {
  const instances = await collectPages(
    (NextToken) => client.send(new ListInstancesCommand({ NextToken })),
    (page) => page.Instances,
  );
  const usable = instances.filter(
    (instance) =>
      instance.InstanceArn &&
      instance.IdentityStoreId &&
      (instance.Status === undefined || instance.Status === 'ACTIVE'),
  );
  const [only, ...others] = usable;
  if (!only?.InstanceArn || !only.IdentityStoreId) {
    throw new InstanceDiscoveryError('No active IAM Identity Center instance is visible to this account');
  }
  if (others.length > 0) {
    throw new InstanceDiscoveryError(
      `Found ${usable.length} IAM Identity Center instances (${usable.map((i) => i.InstanceArn).join(', ')}); configure the instance ARN`,
    );
  }
  return { instanceArn: only.InstanceArn, identityStoreId: only.IdentityStoreId };
};
