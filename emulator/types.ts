import type { Snapshot } from '../shared/domain/snapshot.js';

/**
 * The local AWS emulator's programmatic interface. The emulator is a development and test tool:
 * the CLI (`emulator`, `simulate`, the demo), tests and benchmarks use it; production code
 * (`shared/`, `functions/`, `infra/`) never imports it and reaches it only through SDK endpoints.
 */

/** A scripted fault: the next `count` calls of `operation` (e.g. `CreateAccountAssignment`) fail with `error`. */
export interface ScriptedFault {
  readonly operation: string;
  /** AWS error code, e.g. `ThrottlingException`, `ConflictException`, `InternalServerException`, `AccessDeniedException`. */
  readonly error: string;
  readonly count: number;
  /** HTTP status to answer with (default: 400, or 500 for `InternalServerException`/`ServiceUnavailable`). */
  readonly status?: number;
  /** Members of the modeled error shape, e.g. `{ ResourceType: 'USER', ResourceId: '…' }` for Identity Store. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * A scripted answer: the next `count` calls of `operation` succeed with `answer` instead of what
 * the world holds (a short, empty or inconsistent answer, as a real service sometimes gives).
 */
export interface ScriptedAnswer {
  readonly operation: string;
  readonly answer: Readonly<Record<string, unknown>>;
  readonly count: number;
}

export interface FaultOptions {
  /** Probability (0–1) that any call of `rateFamilies` fails with a retryable error (throttle, conflict or 5xx). */
  readonly rate?: number;
  /**
   * The services `rate` applies to (default SSO Admin, Identity Store and SSM). Scripted faults
   * apply to any operation of any service.
   */
  readonly rateFamilies?: readonly ('sso-admin' | 'identitystore' | 'ssm' | 'organizations' | 'events' | 'sns')[];
  /** Deterministic seed for the random faults. */
  readonly seed?: number;
  readonly scripted?: readonly ScriptedFault[];
  readonly answers?: readonly ScriptedAnswer[];
  /** Assignment requests whose status should end `FAILED` with this reason (matched by account id). */
  readonly failAssignmentsOnAccounts?: readonly string[];
}

export interface EmulatorOptions {
  readonly snapshot: Snapshot;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Emulated latency of one assignment create or delete, in emulated milliseconds (default 1000). */
  readonly assignmentLatencyMs?: number;
  /** Emulated time runs this many times faster than wall time (default 1). */
  readonly timeScale?: number;
  /** Largest page any list operation returns, whatever `MaxResults` asks (default 5). */
  readonly pageSize?: number;
  /** Identity Center quota model (docs/design.md §8); `false` turns throttling off. Default on. */
  readonly quotas?:
    | false
    | {
        /** Requests per emulated second across sso-admin and identitystore (default 20). */
        readonly tps?: number;
        /** Outstanding `CreateAccountAssignment` requests (default 10). */
        readonly outstandingCreates?: number;
      };
  readonly faults?: FaultOptions;
  /** SSM parameters to seed (rules documents), with their full names. */
  readonly parameters?: readonly { readonly name: string; readonly value: string }[];
  /**
   * What happens to an account's assignments when it leaves the organization (`removeAccount`):
   * `deleted` (default) removes them with the account, as AWS's account-migration guidance says;
   * `kept` leaves them in place, as reports on suspended and departed accounts describe, so that
   * the worker's `account-removed` path has something to delete (docs/aws-facts.md §3.6).
   */
  readonly departedAccountAssignments?: 'deleted' | 'kept';
  /** `ListAccountAssignmentsForPrincipal` answers AccessDenied, as for a delegated administrator (default false). */
  readonly delegatedAdministrator?: boolean;
}

/** Per-operation call counts and the throttles and conflicts the emulator answered. */
export interface EmulatorStats {
  readonly calls: Readonly<Record<string, number>>;
  readonly throttled: number;
  readonly conflicts: number;
  readonly faultsInjected: number;
}

/** One event accepted by EventBridge `PutEvents`. */
export interface EmulatedEvent {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly eventBusName: string;
  readonly detail: unknown;
  /** Emulated time of delivery (ms). */
  readonly time: number;
}

/** One message accepted by SNS `Publish`. */
export interface EmulatedMessage {
  readonly id: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly time: number;
}

/** In-process access to the emulated world, for tests, `simulate` and the demo. */
export interface EmulatorWorld {
  /** The current state in the snapshot format (assignments included; in-flight requests excluded). */
  exportSnapshot(): Snapshot;
  createAccount(account: {
    id: string;
    name: string;
    email: string;
    parentId?: string;
    tags?: Record<string, string>;
  }): void;
  moveAccount(accountId: string, destinationParentId: string): void;
  setAccountStatus(accountId: string, status: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE'): void;
  removeAccount(accountId: string): void;
  tagAccount(accountId: string, tags: Record<string, string>): void;
  untagAccount(accountId: string, keys: readonly string[]): void;
  createUser(user: Snapshot['users'][number]): void;
  updateUser(userId: string, changes: Partial<Omit<Snapshot['users'][number], 'id'>>): void;
  deleteUser(userId: string): void;
  createGroup(group: { id: string; displayName: string }): void;
  deleteGroup(groupId: string): void;
  addGroupMember(groupId: string, userId: string): void;
  removeGroupMember(groupId: string, userId: string): void;
  /** An assignment made outside the automation (the console, the CLI): done at once, no request to poll. */
  createAssignment(assignment: Snapshot['assignments'][number]): void;
  /** Removes an assignment; `false` when there was none. */
  deleteAssignment(assignment: Snapshot['assignments'][number]): boolean;
  /**
   * Deletes a permission set as an administrator does in the console; refused (throws) while an
   * assignment still uses it, as Identity Center refuses (docs/aws-facts.md §3.1).
   */
  deletePermissionSet(permissionSetArn: string): void;
  putParameter(name: string, value: string): void;
  deleteParameter(name: string): void;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: one endpoint for every emulated service. */
  readonly endpoint: string;
  readonly world: EmulatorWorld;
  stats(): EmulatorStats;
  resetStats(): void;
  /** What the functions published: EventBridge events and SNS messages, in order of delivery. */
  outbox(): { readonly events: readonly EmulatedEvent[]; readonly messages: readonly EmulatedMessage[] };
  /** Replace the fault configuration at run time. */
  setFaults(faults: FaultOptions): void;
  /** Resolves when no assignment request is in flight. */
  settle(): Promise<void>;
  close(): Promise<void>;
}
