import { RulesUnavailableError } from '../../../shared/domain/errors.js';
import type {
  ClockPort,
  EventPublisherPort,
  LifecycleEvent,
  LifecycleEventType,
  NotifierPort,
  RulesLoadResult,
  RulesRejection,
  RulesSourcePort,
  WorkQueuePort,
} from '../../../shared/domain/ports.js';
import type { RuleSet } from '../../../shared/domain/rules/schema.js';
import { scopeKey, type WorkItem } from '../../../shared/domain/scope.js';

/** A queue that keeps what was enqueued; `failNext` makes the next enqueue throw. */
export class InMemoryQueue implements WorkQueuePort {
  readonly items: WorkItem[] = [];
  #failure: Error | undefined;

  failNext(error: Error): this {
    this.#failure = error;
    return this;
  }

  async enqueue(items: readonly WorkItem[]): Promise<void> {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) throw failure;
    this.items.push(...items);
  }

  /** Takes every item out, oldest first. */
  drain(): WorkItem[] {
    return this.items.splice(0, this.items.length);
  }

  scopeKeys(): string[] {
    return this.items.map((i) => scopeKey(i.scope));
  }
}

export class RecordingPublisher implements EventPublisherPort {
  readonly events: LifecycleEvent[] = [];
  #failure: Error | undefined;

  failNext(error: Error): this {
    this.#failure = error;
    return this;
  }

  async publish(events: readonly LifecycleEvent[]): Promise<void> {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) throw failure;
    this.events.push(...events);
  }

  ofType(detailType: LifecycleEventType): LifecycleEvent[] {
    return this.events.filter((e) => e.detailType === detailType);
  }
}

type Summary = Parameters<NotifierPort['notify']>[1];

export class RecordingNotifier implements NotifierPort {
  readonly notifications: { readonly subject: string; readonly summary: Summary }[] = [];

  async notify(subject: string, summary: Summary): Promise<void> {
    this.notifications.push({ subject, summary });
  }
}

export class FixedClock implements ClockPort {
  constructor(private current = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/** Serves one rule set; `unavailable()` makes it answer as SSM does when no valid document is left. */
export class StaticRulesSource implements RulesSourcePort {
  loads = 0;
  #result: RulesLoadResult | undefined;

  constructor(ruleSet: RuleSet, rejections: readonly RulesRejection[] = []) {
    this.#result = { ruleSet, rejections };
  }

  set(ruleSet: RuleSet, rejections: readonly RulesRejection[] = []): void {
    this.#result = { ruleSet, rejections };
  }

  unavailable(): void {
    this.#result = undefined;
  }

  async load(): Promise<RulesLoadResult> {
    this.loads += 1;
    if (this.#result === undefined) throw new RulesUnavailableError('No rules document under /idc-lifecycle/rules/');
    return this.#result;
  }
}
