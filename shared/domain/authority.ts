import type { PrincipalType } from './model.js';
import type { PlanError } from './plan-types.js';
import type { RuleSet } from './rules/schema.js';
import type { ViewIndex } from './view-index.js';

/**
 * What the engine is allowed to touch (docs/design.md §3 "scope of authority", §4 invariant 4): the managed
 * permission sets, and the protected accounts, permission sets and principals resolved to ids.
 */
export interface Authority {
  /** Managed permission sets (protected ones never count as managed). */
  readonly managedPermissionSetArns: ReadonlySet<string>;
  readonly protectedAccountIds: ReadonlySet<string>;
  readonly protectedPermissionSetArns: ReadonlySet<string>;
  /** `GROUP|<id>` and `USER|<id>` of the protected principals found in the view. */
  readonly protectedPrincipalKeys: ReadonlySet<string>;
  /** Protected principals the view does not hold, as `group <name>` / `user <name>`. */
  readonly unresolvedProtectedPrincipals: readonly string[];
  readonly protectedGroupNames: ReadonlySet<string>;
  readonly protectedUserNames: ReadonlySet<string>;
  /** Remarks about settings that resolve to nothing (ruleId `settings`); not errors. */
  readonly notices: readonly PlanError[];
}

export const SETTINGS_RULE_ID = 'settings';

export const principalKey = (principalType: PrincipalType, principalId: string): string =>
  `${principalType}|${principalId}`;

/**
 * Resolves the managed and protected names of the settings against a view.
 *
 * `managedPermissionSets: 'all'` is every permission set in the view; a list is those names
 * (unknown names are noted, not errors: there is nothing to manage under them); left out, it is
 * every permission set that an assignment rule names.
 */
export const resolveAuthority = (ruleSet: RuleSet, index: ViewIndex): Authority => {
  const { settings } = ruleSet;
  const notices: PlanError[] = [];

  const protectedPermissionSetArns = new Set<string>();
  for (const name of settings.protected.permissionSets) {
    const ps = index.permissionSetByName.get(name);
    if (ps !== undefined) protectedPermissionSetArns.add(ps.arn);
  }

  const managedPermissionSetArns = new Set<string>();
  const manage = (arn: string): void => {
    if (!protectedPermissionSetArns.has(arn)) managedPermissionSetArns.add(arn);
  };
  const managed = settings.managedPermissionSets;
  if (managed === 'all') {
    for (const ps of index.view.permissionSets) manage(ps.arn);
  } else if (managed !== undefined) {
    for (const name of managed) {
      const ps = index.permissionSetByName.get(name);
      if (ps === undefined) {
        notices.push({
          ruleId: SETTINGS_RULE_ID,
          message: `managed permission set "${name}" does not exist; nothing is managed under that name`,
        });
      } else manage(ps.arn);
    }
  } else {
    for (const rule of ruleSet.assignments) {
      for (const name of rule.permissionSets) {
        const ps = index.permissionSetByName.get(name);
        if (ps !== undefined) manage(ps.arn);
      }
    }
  }

  const protectedPrincipalKeys = new Set<string>();
  const unresolvedProtectedPrincipals: string[] = [];
  const protectedGroupNames = new Set<string>();
  const protectedUserNames = new Set<string>();
  for (const ref of settings.protected.principals) {
    if ('group' in ref) {
      protectedGroupNames.add(ref.group);
      const group = index.groupByDisplayName.get(ref.group);
      if (group === undefined) unresolvedProtectedPrincipals.push(`group ${ref.group}`);
      else protectedPrincipalKeys.add(principalKey('GROUP', group.id));
    } else {
      protectedUserNames.add(ref.user);
      const user = index.userByUserName.get(ref.user);
      if (user === undefined) unresolvedProtectedPrincipals.push(`user ${ref.user}`);
      else protectedPrincipalKeys.add(principalKey('USER', user.id));
    }
  }

  return {
    managedPermissionSetArns,
    protectedAccountIds: new Set(settings.protected.accounts),
    protectedPermissionSetArns,
    protectedPrincipalKeys,
    unresolvedProtectedPrincipals,
    protectedGroupNames,
    protectedUserNames,
    notices,
  };
};
