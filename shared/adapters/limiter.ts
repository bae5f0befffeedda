/**
 * In-process concurrency limits for account-assignment writes (docs/aws-facts.md §3.1): at most N
 * `CreateAccountAssignment` requests outstanding (from the call until the status is final), and at
 * most one assignment change per account at a time, since Identity Center updates one permission
 * set role per account at a time and answers a second one with ConflictException.
 */

/** A counting semaphore with FIFO hand-off, so that no waiter starves. */
export class Semaphore {
  #available: number;
  readonly #waiters: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer`);
    this.#available = capacity;
  }

  async acquire(): Promise<() => void> {
    if (this.#available > 0) {
      this.#available--;
    } else {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
      if (next) next();
      else this.#available++;
    };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** One mutex per key, created on demand and dropped when nobody holds or awaits it. */
export class KeyedMutex {
  readonly #locks = new Map<string, Semaphore>();
  readonly #users = new Map<string, number>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let lock = this.#locks.get(key);
    if (!lock) {
      lock = new Semaphore(1);
      this.#locks.set(key, lock);
    }
    this.#users.set(key, (this.#users.get(key) ?? 0) + 1);
    try {
      return await lock.run(work);
    } finally {
      const left = (this.#users.get(key) ?? 1) - 1;
      if (left === 0) {
        this.#users.delete(key);
        this.#locks.delete(key);
      } else {
        this.#users.set(key, left);
      }
    }
  }
}

/** The two limits that every assignment write goes through. */
export interface AssignmentLimiter {
  readonly creates: Semaphore;
  readonly accounts: KeyedMutex;
}

export const createAssignmentLimiter = (maxOutstandingCreates: number): AssignmentLimiter => ({
  creates: new Semaphore(maxOutstandingCreates),
  accounts: new KeyedMutex(),
});

const shared = new Map<string, AssignmentLimiter>();

/**
 * The process-wide limiter for one Identity Center instance. The quotas belong to the instance,
 * not to an adapter object, so every adapter built in this process for the same instance shares
 * it, whatever lifetime the composition root gives its adapters. The first caller fixes the limit.
 */
export const sharedAssignmentLimiter = (instanceArn: string, maxOutstandingCreates: number): AssignmentLimiter => {
  let limiter = shared.get(instanceArn);
  if (!limiter) {
    limiter = createAssignmentLimiter(maxOutstandingCreates);
    shared.set(instanceArn, limiter);
  }
  return limiter;
};
