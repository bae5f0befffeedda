import { describe, expect, it } from 'vitest';
import { loadPrincipalRemovalView, loadScopeView } from '../../../shared/domain/reconcile/load-scope-view.js';
import { ruleNeeds } from '../../../shared/domain/reconcile/rule-needs.js';
import { makeRuleSet } from '../../support/fakes/index.js';
import { GROUP, MANAGEMENT, PROD, storyOrganization, storyRules, USER } from './world.js';

describe('ruleNeeds', () => {
  it('collects the names the rules and the protections use', () => {
    // Act
    const needs = ruleNeeds(
      storyRules({ protected: { principals: [{ user: 'root@example.com' }, { group: 'BreakGlass' }] } }),
    );

    // Assess
    expect([...needs.groupNames].sort()).toEqual(['BreakGlass', 'Developers', 'Platform Admins', 'Sandbox Users']);
    expect(needs.userNames).toEqual(['root@example.com']);
    expect(needs.usesAttributeSelectors).toBe(true);
    expect(needs.usesAccountTags).toBe(false);
    expect(needs.membershipGroupNames).toEqual(['Developers']);
  });
});

describe('loadScopeView', () => {
  it('holds the one account of an account scope and the principals the rules name', async () => {
    // Prepare
    const org = storyOrganization();
    const deps = { organizations: org, identityStore: org, ssoAdmin: org, managementAccountId: MANAGEMENT };

    // Act
    const view = await loadScopeView(deps, { ruleSet: storyRules(), scope: { kind: 'account', accountId: PROD } });

    // Assess
    expect(view.accounts.map((a) => a.id)).toEqual([PROD]);
    expect(view.groups.map((g) => g.displayName).sort()).toEqual([
      'BreakGlass',
      'Developers',
      'Platform Admins',
      'Sandbox Users',
    ]);
    expect(view.users.map((u) => u.id).sort()).toEqual([USER.alice, USER.bob, USER.carol]);
  });

  it('takes a named group from its id lookup alone, without describing it', async () => {
    // Prepare
    const org = storyOrganization();
    const deps = { organizations: org, identityStore: org, ssoAdmin: org, managementAccountId: MANAGEMENT };

    // Act
    const view = await loadScopeView(deps, { ruleSet: storyRules(), scope: { kind: 'account', accountId: PROD } });

    // Assess
    expect(view.groups).toContainEqual({ id: GROUP.platform, displayName: 'Platform Admins' });
    expect(org.callsOf('getGroupIdByDisplayName')).toHaveLength(4);
    expect(org.callsOf('describeGroup')).toEqual([]);
  });

  it('leaves out a named user or group that does not exist', async () => {
    // Prepare
    const org = storyOrganization();
    const deps = { organizations: org, identityStore: org, ssoAdmin: org, managementAccountId: MANAGEMENT };
    const ruleSet = makeRuleSet({
      assignments: [
        {
          id: 'ghosts',
          principals: [{ group: 'Ghosts' }, { user: 'ghost@example.com' }, { user: 'bob@example.com' }],
          permissionSets: ['ReadOnlyAccess'],
          targets: {},
        },
      ],
    });

    // Act
    const view = await loadScopeView(deps, { ruleSet, scope: { kind: 'account', accountId: PROD } });

    // Assess
    expect(view.groups).toEqual([]);
    expect(view.users.map((u) => u.id)).toEqual([USER.bob]);
    expect(org.callsOf('listUsers')).toEqual([]);
  });

  it('holds every account for a principal scope', async () => {
    // Prepare
    const org = storyOrganization();
    const deps = { organizations: org, identityStore: org, ssoAdmin: org, managementAccountId: MANAGEMENT };

    // Act
    const view = await loadScopeView(deps, {
      ruleSet: storyRules(),
      scope: { kind: 'principal', principalType: 'GROUP', principalId: 'g-x' },
    });

    // Assess
    expect(view.accounts).toHaveLength(org.state.accounts.length);
  });
});

describe('loadPrincipalRemovalView', () => {
  it('holds the permission sets and the protected principals, and no account, OU or other principal', async () => {
    // Prepare
    const org = storyOrganization();
    const deps = { identityStore: org, ssoAdmin: org, managementAccountId: MANAGEMENT };
    const ruleSet = storyRules({ protected: { principals: [{ group: 'BreakGlass' }, { user: 'carol@example.com' }] } });

    // Act
    const view = await loadPrincipalRemovalView(deps, { ruleSet });

    // Assess
    expect(view.accounts).toEqual([]);
    expect(view.organizationalUnits).toEqual([]);
    expect(view.permissionSets).toHaveLength(org.state.permissionSets.length);
    expect(view.groups.map((g) => g.displayName)).toEqual(['BreakGlass']);
    expect(view.users.map((u) => u.id)).toEqual([USER.carol]);
    expect(org.callsOf('listAccounts')).toEqual([]);
    expect(org.callsOf('listOrganizationalUnits')).toEqual([]);
  });
});
