import type { OrganizationState, RunStorePort } from '../../../shared/domain/ports.js';
import type { RunRecord } from '../../../shared/domain/runs/run.js';

/**
 * The run store in memory. Values go through JSON on the way in and out, as they do through
 * DynamoDB, so that a test never shares an object with the code under test.
 */
export class InMemoryRunStore implements RunStorePort {
  readonly runs = new Map<string, string>();
  readonly states = new Map<string, string>();
  /** The parts of each run's read marked done, in the order they were marked. */
  readonly #partsRead = new Map<string, string[]>();
  #organization: OrganizationState = {};
  stateWrites = 0;

  async saveRun(run: RunRecord): Promise<void> {
    this.runs.set(run.runId, JSON.stringify(run));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const text = this.runs.get(runId);
    return text === undefined ? undefined : (JSON.parse(text) as RunRecord);
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    return [...this.runs.values()]
      .map((text) => JSON.parse(text) as RunRecord)
      .sort((a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : -1))
      .slice(0, limit);
  }

  async saveState(runId: string, name: string, value: unknown): Promise<void> {
    this.stateWrites++;
    this.states.set(`${runId}/${name}`, JSON.stringify(value));
  }

  async loadState(runId: string, name: string): Promise<unknown> {
    const text = this.states.get(`${runId}/${name}`);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async markPartRead(runId: string, part: string): Promise<readonly string[]> {
    const before = this.#partsRead.get(runId) ?? [];
    if (!before.includes(part)) this.#partsRead.set(runId, [...before, part]);
    return [...before];
  }

  async partsRead(runId: string): Promise<readonly string[]> {
    return [...(this.#partsRead.get(runId) ?? [])];
  }

  async organizationState(): Promise<OrganizationState> {
    return JSON.parse(JSON.stringify(this.#organization)) as OrganizationState;
  }

  async acceptRules(accepted: NonNullable<OrganizationState['acceptedRules']>): Promise<void> {
    this.#organization = { ...this.#organization, acceptedRules: accepted };
  }

  async saveTotals(totals: NonNullable<OrganizationState['totals']>): Promise<void> {
    this.#organization = { ...this.#organization, totals };
  }
}
