import { readdirSync, readFileSync } from 'node:fs';
import type { SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { makeHandler as makeIntakeHandler } from '../../functions/intake/handler.js';
import { SqsWorkQueue } from '../../shared/adapters/sqs-work-queue.js';
import { loadRuleSet } from '../../shared/domain/rules/load.js';
import { parseScopeKey, type Scope, scopeKey } from '../../shared/domain/scope.js';
import { MalformedEventError, toEventBridgeEvent } from '../../shared/events/index.js';
import { RecordingLogger, RecordingMetrics } from '../support/fakes/index.js';
import { InMemoryFifoQueue } from './support/fifo-queue.js';
import {
  PROD_ACCOUNTS,
  RULES_PATH,
  SANDBOX_ACCOUNTS,
  SETTINGS_DOCUMENT,
  SETTINGS_YAML,
  WORKLOADS_DOCUMENT,
  WORKLOADS_YAML,
} from './support/fixture.js';
import { type ResilienceSystem, startSystem } from './support/system.js';
import { scoreEveryScenario } from './support/tally.js';

const FUZZ_ACCOUNT = '111111111111';
const SAMPLES_DIRECTORY = new URL('../fixtures/events/samples/', import.meta.url);

/**
 * Every public sample under test/fixtures/events/samples, as the intake would receive it (bare
 * records wrapped), from the account the handler below expects: the samples come from many
 * accounts, and the account check would otherwise refuse most of them before the parser saw them.
 */
const samples: readonly Record<string, unknown>[] = readdirSync(SAMPLES_DIRECTORY, { recursive: true })
  .map(String)
  .filter((path) => path.endsWith('.json'))
  .sort()
  .map((path) => JSON.parse(readFileSync(new URL(path, SAMPLES_DIRECTORY), 'utf8')) as Record<string, unknown>)
  .map((sample) => ('detail-type' in sample ? sample : toEventBridgeEvent(sample)))
  .map((sample) => ({ ...sample, account: FUZZ_ACCOUNT }));

type Path = readonly (string | number)[];

/** Every path into a JSON value, the root included, down to `depth`. */
const pathsOf = (value: unknown, depth = 6, prefix: Path = []): Path[] => {
  const paths: Path[] = [prefix];
  if (depth === 0 || typeof value !== 'object' || value === null) return paths;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) paths.push(...pathsOf(child, depth - 1, [...prefix, key]));
  return paths;
};

const REMOVE = Symbol('remove');

/** A deep copy of `value` with the value at `path` replaced (or removed). */
const mutate = (value: unknown, path: Path, replacement: unknown): unknown => {
  if (path.length === 0) return replacement === REMOVE ? undefined : replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === REMOVE) copy.splice(Number(head), 1);
    else copy[Number(head)] = mutate(copy[Number(head)], rest, replacement);
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...value };
    if (rest.length === 0 && replacement === REMOVE) delete copy[String(head)];
    else copy[String(head)] = mutate(copy[String(head)], rest, replacement);
    return copy;
  }
  return value;
};

/** One to three mutations of a value: a value anywhere replaced by anything, or removed. */
const mutated = (base: unknown): fc.Arbitrary<unknown> => {
  const paths = pathsOf(base);
  const step = fc.tuple(fc.constantFrom(...paths), fc.oneof(fc.constant(REMOVE), fc.jsonValue(), fc.anything()));
  return fc
    .array(step, { minLength: 1, maxLength: 3 })
    .map((steps) => steps.reduce<unknown>((value, [path, replacement]) => mutate(value, path, replacement), base));
};

scoreEveryScenario();

describe('resilience: the intake function under garbage', () => {
  const queue = new InMemoryFifoQueue();
  const handler = makeIntakeHandler({
    queue: new SqsWorkQueue(queue.client, 'https://sqs.eu-west-1.amazonaws.com/111111111111/work.fifo'),
    rulesPath: RULES_PATH,
    accounts: { management: FUZZ_ACCOUNT, automation: FUZZ_ACCOUNT },
    workerRoleArn: `arn:aws:iam::${FUZZ_ACCOUNT}:role/idc-lifecycle-worker`,
    logger: new RecordingLogger(),
    metrics: new RecordingMetrics(),
  });

  /** Enqueues only scopes that survive their own key form, returns, or throws MalformedEventError. */
  const assertControlled = async (event: unknown): Promise<void> => {
    queue.messages.length = 0;
    try {
      await handler(event);
    } catch (error) {
      expect(error).toBeInstanceOf(MalformedEventError);
      expect(queue.messages).toEqual([]);
      return;
    }
    for (const message of queue.messages) {
      const { scope } = JSON.parse(message.body) as { scope: Scope };
      expect(scope.kind).not.toBe('all');
      expect(parseScopeKey(message.groupId)).toEqual(scope);
      expect(scopeKey(scope)).toBe(message.groupId);
    }
  };

  it('handles every real sample as it is', async () => {
    // Prepare
    expect(samples.length).toBeGreaterThan(20);

    // Act and Assess
    for (const sample of samples) await assertControlled(sample);
  });

  it('never fails uncontrolled nor enqueues a malformed scope for arbitrary JSON', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), assertControlled), { numRuns: 300 });
  });

  it('never fails uncontrolled nor enqueues a malformed scope for arbitrary values', async () => {
    await fc.assert(fc.asyncProperty(fc.anything(), assertControlled), { numRuns: 300 });
  });

  it('never fails uncontrolled nor enqueues a malformed scope for mutated real samples', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...samples).chain((sample) => mutated(sample)),
        assertControlled,
      ),
      { numRuns: 500 },
    );
  });
});

describe('resilience: the worker function under garbage', () => {
  let system: ResilienceSystem;
  beforeAll(async () => {
    system = await startSystem({ converged: true });
  });
  afterAll(async () => {
    await system.close();
  });

  const GOOD_ACCOUNTS = [...PROD_ACCOUNTS, ...SANDBOX_ACCOUNTS];

  type Kind = 'good' | 'garbage' | 'ambiguous';
  interface Generated {
    readonly kind: Kind;
    readonly body: string;
    readonly groupId: string;
  }

  const goodBody = (accountId: string, eventId: string): string =>
    JSON.stringify({
      scope: { kind: 'account', accountId },
      origin: { eventId, eventName: 'MoveAccount', source: 'aws.organizations' },
    });

  const good = fc.tuple(fc.constantFrom(...GOOD_ACCOUNTS), fc.uuid()).map(
    ([accountId, id]): Generated => ({
      kind: 'good',
      body: goodBody(accountId, id),
      groupId: `account:${accountId}`,
    }),
  );

  const groupIds = fc.constantFrom(...GOOD_ACCOUNTS.map((id) => `account:${id}`), 'garbage-a', 'garbage-b');

  /** Bodies that cannot be a work item: not JSON, or JSON that is not an object with a scope. */
  const garbage = fc
    .tuple(
      fc.oneof(
        fc.string(),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc
          .dictionary(
            fc.string().filter((k) => k !== 'scope'),
            fc.jsonValue(),
          )
          .map((v) => JSON.stringify(v)),
      ),
      groupIds,
    )
    .filter(([body]) => {
      try {
        const value: unknown = JSON.parse(body);
        return typeof value !== 'object' || value === null || Array.isArray(value) || !('scope' in value);
      } catch {
        return true;
      }
    })
    .map(([body, groupId]): Generated => ({ kind: 'garbage', body, groupId }));

  /** A real body with something changed: it may still be a work item, or not. */
  const ambiguous = fc
    .tuple(fc.constantFrom(...GOOD_ACCOUNTS), groupIds)
    .chain(([accountId, groupId]) =>
      mutated(JSON.parse(goodBody(accountId, 'mutated')) as unknown).map(
        (value): Generated => ({ kind: 'ambiguous', body: JSON.stringify(value) ?? 'undefined', groupId }),
      ),
    );

  const record = (generated: Generated, index: number): SQSRecord => ({
    messageId: `fuzz-${index}`,
    receiptHandle: `rh-${index}`,
    body: generated.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'fuzz',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: generated.groupId,
      MessageDeduplicationId: `fuzz-${index}`,
      SequenceNumber: String(index),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:work.fifo',
    awsRegion: 'eu-west-1',
  });

  it('turns malformed bodies into batch item failures and still reconciles the good records of other groups', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(good, garbage, ambiguous), { minLength: 1, maxLength: 6 }), async (batch) => {
        // Prepare
        const records = batch.map(record);

        // Act
        let failed: Set<string>;
        try {
          const response = await system.worker.handle(records);
          failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        } catch (error) {
          // Powertools throws only when every record failed, so that Lambda retries the batch.
          expect((error as Error).name).toBe('FullBatchFailureError');
          failed = new Set(records.map((r) => r.messageId));
        }

        // Assess: garbage fails, and so does whatever follows a failure in its group (FIFO);
        // good records elsewhere succeed.
        const failedGroups = new Set<string>();
        batch.forEach((generated, index) => {
          const id = `fuzz-${index}`;
          if (failedGroups.has(generated.groupId)) expect(failed.has(id)).toBe(true);
          else if (generated.kind === 'garbage') expect(failed.has(id)).toBe(true);
          else if (generated.kind === 'good') expect(failed.has(id)).toBe(false);
          if (failed.has(id)) failedGroups.add(generated.groupId);
        });
        expect(system.writes).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});

describe('resilience: the rules loader under garbage', () => {
  const settings = { name: SETTINGS_DOCUMENT, text: SETTINGS_YAML };
  const workloads = JSON.parse(JSON.stringify(parseYamlDocument(WORKLOADS_YAML))) as Record<string, unknown>;

  const load = (text: string) => loadRuleSet([settings, { name: WORKLOADS_DOCUMENT, text }]);

  it('never throws and never accepts an arbitrary string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = load(text);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws and never accepts arbitrary JSON or YAML values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asYaml) => {
        const result = load(textOf(value, asYaml));
        expect(result.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws for mutated valid documents, and accepts only rule sets that keep the invariants', () => {
    fc.assert(
      fc.property(mutated(workloads), fc.boolean(), (value, asYaml) => {
        const result = load(textOf(value, asYaml));
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          return;
        }
        const ids = [...result.ruleSet.assignments, ...result.ruleSet.memberships].map((rule) => rule.id);
        expect(new Set(ids).size).toBe(ids.length);
        const { managedPermissionSets } = result.ruleSet.settings;
        if (managedPermissionSets === 'all' || managedPermissionSets === undefined) return;
        const managed = new Set(managedPermissionSets);
        for (const rule of result.ruleSet.assignments) {
          for (const name of rule.permissionSets) expect(managed.has(name)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  /** Changes that make a document invalid wherever they land, each on top of random mutations. */
  const breakages: readonly [string, (doc: Record<string, unknown>) => unknown][] = [
    ['an unsupported version', (doc) => ({ ...doc, version: 2 })],
    ['an unknown top-level key', (doc) => ({ ...doc, asignments: [] })],
    [
      'a duplicated rule id',
      (doc) => ({
        ...doc,
        assignments: [
          ...asArray(doc.assignments),
          ...asArray(workloads.assignments),
          ...asArray(workloads.assignments),
        ],
      }),
    ],
    [
      'a grant of an unmanaged permission set',
      (doc) => ({
        ...doc,
        assignments: [
          ...asArray(doc.assignments),
          {
            id: 'billing',
            principals: [{ group: 'Developers' }],
            permissionSets: ['BillingAccess'],
            targets: { accounts: ['222200000001'] },
          },
        ],
      }),
    ],
  ];

  it.each(breakages)('never accepts a document with %s', (_name, breakage) => {
    fc.assert(
      fc.property(mutated(workloads), fc.boolean(), (value, asYaml) => {
        const broken = breakage(isObject(value) ? value : workloads);
        const result = load(textOf(broken, asYaml));
        expect(result.ok).toBe(false);
        if (!result.ok)
          expect(result.issues.some((i) => i.document === WORKLOADS_DOCUMENT || i.document === '(rule set)')).toBe(
            true,
          );
      }),
      { numRuns: 200 },
    );
  });
});

function parseYamlDocument(text: string): unknown {
  const result = loadRuleSet([
    { name: 'fixture', text },
    { name: SETTINGS_DOCUMENT, text: SETTINGS_YAML },
  ]);
  if (!result.ok) throw new Error('the fixture rules are invalid');
  return { version: 1, assignments: result.ruleSet.assignments };
}

/** The document text as a publisher would write it; a removed root is an empty document. */
function textOf(value: unknown, asYaml: boolean): string {
  if (value === undefined) return '';
  return asYaml ? toYaml(value) : JSON.stringify(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
