import { describe, expect, it } from 'vitest';
import { MalformedWorkItemError, parseWorkItem } from '../../../shared/domain/reconcile/parse-work-item.js';

const origin = { eventId: 'evt-1', eventName: 'MoveAccount', source: 'aws.organizations' };

describe('parseWorkItem', () => {
  it.each([
    { kind: 'account', accountId: '222222222222' },
    { kind: 'account-removed', accountId: '222222222222' },
    { kind: 'principal', principalType: 'USER', principalId: '9067729b3d-94f1e0a8-1e4e-4c9c-9d4b-1b2c3d4e5f60' },
    { kind: 'principal', principalType: 'GROUP', principalId: 'g-1' },
  ])('reads the work item of scope %j', (scope) => {
    // Act
    const result = parseWorkItem(JSON.stringify({ scope, origin }));

    // Assess
    expect(result).toEqual({ scope, origin });
  });

  it.each([
    ['not JSON', '{'],
    ['no scope', JSON.stringify({ origin })],
    ['an unknown scope kind', JSON.stringify({ scope: { kind: 'ou', id: 'x' }, origin })],
    ['a short account id', JSON.stringify({ scope: { kind: 'account', accountId: '1234' }, origin })],
    [
      'an id with a colon',
      JSON.stringify({ scope: { kind: 'principal', principalType: 'USER', principalId: 'a:b' }, origin }),
    ],
    ['no origin', JSON.stringify({ scope: { kind: 'account', accountId: '222222222222' } })],
  ])('rejects a body with %s', (_, body) => {
    // Act + Assess
    expect(() => parseWorkItem(body)).toThrow(MalformedWorkItemError);
  });
});
