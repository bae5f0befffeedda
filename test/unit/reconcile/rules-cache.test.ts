import { describe, expect, it } from 'vitest';
import { RulesUnavailableError } from '../../../shared/domain/errors.js';
import { RulesCache } from '../../../shared/domain/reconcile/rules-cache.js';
import { FixedClock, makeRuleSet, StaticRulesSource } from '../../support/fakes/index.js';

const setup = () => {
  const source = new StaticRulesSource(makeRuleSet({}));
  const clock = new FixedClock();
  return { source, clock, cache: new RulesCache(source, clock, 60_000) };
};

describe('RulesCache', () => {
  it('serves the cached rules while they are younger than the maximum age', async () => {
    // Prepare
    const { source, clock, cache } = setup();

    // Act
    await cache.load();
    clock.advance(59_999);
    await cache.load();

    // Assess
    expect(source.loads).toBe(1);
  });

  it('reloads once the maximum age has passed', async () => {
    // Prepare
    const { source, clock, cache } = setup();

    // Act
    await cache.load();
    clock.advance(60_000);
    await cache.load();

    // Assess
    expect(source.loads).toBe(2);
  });

  it('does not cache a failure', async () => {
    // Prepare
    const { source, cache } = setup();
    source.unavailable();
    await expect(cache.load()).rejects.toBeInstanceOf(RulesUnavailableError);
    source.set(makeRuleSet({}));

    // Act
    const result = await cache.load();

    // Assess
    expect(result.ruleSet.assignments).toEqual([]);
    expect(source.loads).toBe(2);
  });

  it('reloads once for each rules change that work items name', async () => {
    // Prepare
    const { source, cache } = setup();
    const change = { eventId: 'ssm-1', eventName: 'Parameter Store Change', source: 'aws.ssm' };
    await cache.load();

    // Act
    cache.expireFor(change);
    await cache.load();
    cache.expireFor(change);
    await cache.load();
    cache.expireFor({ eventId: 'evt-2', eventName: 'MoveAccount', source: 'aws.organizations' });
    await cache.load();

    // Assess
    expect(source.loads).toBe(2);
  });
});
