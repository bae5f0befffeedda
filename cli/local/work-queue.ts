import type { WorkQueuePort } from '../../shared/domain/ports.js';
import type { WorkItem } from '../../shared/domain/scope.js';

/**
 * The in-memory stand-in for the SQS FIFO work queue. It keeps the one SQS behaviour the
 * system's correctness leans on besides ordering: content-based deduplication. An item whose
 * deduplication id was accepted within the window is dropped, as SQS drops a repeated
 * `MessageDeduplicationId` within five minutes. Items leave in the order they were enqueued,
 * which is FIFO per message group (and across groups, since one consumer drains it).
 */
export class InMemoryWorkQueue implements WorkQueuePort {
  readonly #pending: WorkItem[] = [];
  readonly #accepted = new Map<string, number>();
  readonly #dropped: WorkItem[] = [];

  constructor(
    private readonly deduplicationId: (item: WorkItem) => string,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  async enqueue(items: readonly WorkItem[]): Promise<void> {
    const now = this.now();
    for (const item of items) {
      const id = this.deduplicationId(item);
      const acceptedAt = this.#accepted.get(id);
      if (acceptedAt !== undefined && now - acceptedAt < this.windowMs) {
        this.#dropped.push(item);
        continue;
      }
      this.#accepted.set(id, now);
      this.#pending.push(item);
    }
  }

  /** The next item, or `undefined` when the queue is empty. */
  take(): WorkItem | undefined {
    return this.#pending.shift();
  }

  /** The items dropped as duplicates since the last call. */
  takeDropped(): WorkItem[] {
    return this.#dropped.splice(0, this.#dropped.length);
  }
}
