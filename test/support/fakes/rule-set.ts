import type { AssignmentRule, MembershipRule, RuleSet, Settings } from '../../../shared/domain/rules/schema.js';

type SettingsOverrides = Partial<Omit<Settings, 'protected' | 'offboarding' | 'revocationGuard'>> & {
  protected?: Partial<Settings['protected']>;
  offboarding?: Partial<Settings['offboarding']>;
  revocationGuard?: Settings['revocationGuard'];
};

/**
 * A validated {@link RuleSet} built in code, with the schema's defaults for every setting left
 * out (tests do not depend on the YAML loader).
 *
 * @example
 * const rules = makeRuleSet({ assignments: [rule], settings: { mode: 'report' } });
 */
export const makeRuleSet = (input: {
  assignments?: AssignmentRule[];
  memberships?: (Omit<MembershipRule, 'policy'> & { policy?: MembershipRule['policy'] })[];
  settings?: SettingsOverrides;
}): RuleSet => {
  const s = input.settings ?? {};
  const assignments = input.assignments ?? [];
  const memberships = (input.memberships ?? []).map((m) => ({ ...m, policy: m.policy ?? 'additive' }));
  return {
    settings: {
      managedPermissionSets: s.managedPermissionSets,
      protected: { permissionSets: [], principals: [], accounts: [], ...s.protected },
      revocationGuard: s.revocationGuard ?? { maxPerRun: 100 },
      mode: s.mode ?? 'enforce',
      offboarding: { onUserDisabled: true, removeGroupMemberships: true, ...s.offboarding },
      includeManagementAccount: s.includeManagementAccount ?? false,
    },
    assignments,
    memberships,
    sources: Object.fromEntries([...assignments, ...memberships].map((r) => [r.id, 'test.yaml'])),
  };
};
