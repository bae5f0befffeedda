import type { RuleSet } from '../rules/schema.js';

/**
 * What a rule set makes the engine read. Reads count against the 20 TPS that Identity Center
 * shares between every caller (docs/design.md §8), so a scope reads only what the rules can use.
 */
export interface RuleNeeds {
  /** Group display names that rules grant to, select members for, or protect. */
  readonly groupNames: readonly string[];
  /** User names that rules grant to or protect. */
  readonly userNames: readonly string[];
  /** Some assignment rule picks users by attribute (`users: { where }`). */
  readonly usesAttributeSelectors: boolean;
  /** Some assignment rule filters accounts by tag: tags must be read. */
  readonly usesAccountTags: boolean;
  /** Group display names that membership rules put users into. */
  readonly membershipGroupNames: readonly string[];
}

/**
 * @example
 * ruleNeeds(ruleSet).usesAccountTags // true when some rule filters or excludes by account tags
 */
export const ruleNeeds = (ruleSet: RuleSet): RuleNeeds => {
  const groups = new Set<string>();
  const users = new Set<string>();
  let usesAttributeSelectors = false;
  let usesAccountTags = false;
  for (const rule of ruleSet.assignments) {
    if (rule.targets.accountTags !== undefined || rule.targets.exclude?.accountTags !== undefined)
      usesAccountTags = true;
    for (const principal of rule.principals) {
      if ('group' in principal) groups.add(principal.group);
      else if ('user' in principal) users.add(principal.user);
      else usesAttributeSelectors = true;
    }
  }
  for (const principal of ruleSet.settings.protected.principals) {
    if ('group' in principal) groups.add(principal.group);
    else users.add(principal.user);
  }
  const membershipGroups = new Set(ruleSet.memberships.flatMap((rule) => rule.groups));
  for (const name of membershipGroups) groups.add(name);
  return {
    groupNames: [...groups],
    userNames: [...users],
    usesAttributeSelectors,
    usesAccountTags,
    membershipGroupNames: [...membershipGroups],
  };
};
