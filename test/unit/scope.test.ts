import { describe, expect, it } from 'vitest';
import { parseScopeKey, type Scope, ScopeKeyError, scopeKey } from '../../shared/domain/scope.js';

describe('scopeKey', () => {
  it.each<[Scope, string]>([
    [{ kind: 'account', accountId: '111122223333' }, 'account:111122223333'],
    [{ kind: 'account-removed', accountId: '111122223333' }, 'account-removed:111122223333'],
    [
      { kind: 'principal', principalType: 'USER', principalId: '93670dc30f-6d321996-eab8-4d2e-9f41-0db53b051a5b' },
      'principal:USER:93670dc30f-6d321996-eab8-4d2e-9f41-0db53b051a5b',
    ],
    [{ kind: 'all' }, 'all'],
  ])('round-trips %j through %s', (scope, key) => {
    expect(scopeKey(scope)).toBe(key);
    expect(parseScopeKey(key)).toEqual(scope);
  });

  it.each(['', 'account:1234', 'principal:ROLE:x', 'account:111122223333:extra', 'everything'])(
    'rejects the malformed key %j',
    (key) => {
      expect(() => parseScopeKey(key)).toThrow(ScopeKeyError);
    },
  );
});
