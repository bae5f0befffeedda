import type { ReconcileDeps } from '../../../shared/domain/reconcile/reconcile-scope.js';
import type { Scope, WorkItem } from '../../../shared/domain/scope.js';
import {
  FixedClock,
  InMemoryOrganization,
  makeRuleSet,
  RecordingNotifier,
  RecordingPublisher,
  StaticRulesSource,
} from '../../support/fakes/index.js';

/**
 * A small organization for reconcile stories:
 *
 * ```
 * Root (r-ab12)                      management 111111111111
 * ├─ Workloads (ou-ab12-workload)    444444444444 "shared"
 * │  └─ Prod (ou-ab12-prodprod)      222222222222 "prod-app"
 * └─ Sandbox (ou-ab12-sandbox1)      333333333333 "sandbox-1"
 * ```
 */
export const MANAGEMENT = '111111111111';
export const PROD = '222222222222';
export const SANDBOX = '333333333333';
export const SHARED = '444444444444';
export const NEW_ACCOUNT = '555555555555';

export const OU = {
  root: 'r-ab12',
  workloads: 'ou-ab12-workload',
  prod: 'ou-ab12-prodprod',
  sandbox: 'ou-ab12-sandbox1',
} as const;

const psArn = (id: string) => `arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-${id}`;
export const PS = {
  admin: psArn('admin00000000000'),
  readOnly: psArn('readonly00000000'),
  custom: psArn('custom0000000000'),
  breakGlass: psArn('breakglass000000'),
} as const;

export const GROUP = {
  platform: 'g-platform',
  developers: 'g-developers',
  sandboxUsers: 'g-sandbox-users',
  breakGlass: 'g-breakglass',
} as const;

export const USER = { alice: 'u-alice', bob: 'u-bob', carol: 'u-carol', dave: 'u-dave' } as const;

/** The rules of the stories: OU-based group access, attribute-selected users, birthright groups. */
export const storyRules = (settings: Parameters<typeof makeRuleSet>[0]['settings'] = {}) =>
  makeRuleSet({
    assignments: [
      {
        id: 'platform-admins',
        principals: [{ group: 'Platform Admins' }],
        permissionSets: ['AdministratorAccess'],
        targets: { organizationalUnits: ['/Workloads'] },
      },
      {
        id: 'sandbox-users',
        principals: [{ group: 'Sandbox Users' }],
        permissionSets: ['ReadOnlyAccess'],
        targets: { organizationalUnits: ['/Sandbox'] },
      },
      {
        id: 'sre-readonly',
        principals: [{ users: { where: { title: 'SRE' } } }],
        permissionSets: ['ReadOnlyAccess'],
        targets: { organizationalUnits: ['/Workloads/Prod'] },
      },
    ],
    memberships: [
      {
        id: 'engineering-developers',
        where: { department: 'Engineering' },
        groups: ['Developers'],
        policy: 'authoritative',
      },
    ],
    settings: {
      managedPermissionSets: ['AdministratorAccess', 'ReadOnlyAccess'],
      protected: { principals: [{ group: 'BreakGlass' }], permissionSets: ['BreakGlassAdmin'] },
      ...settings,
    },
  });

export const storyOrganization = () =>
  new InMemoryOrganization({
    managementAccountId: MANAGEMENT,
    organizationalUnits: [
      { id: OU.root, name: 'Root', parentId: null },
      { id: OU.workloads, name: 'Workloads', parentId: OU.root },
      { id: OU.prod, name: 'Prod', parentId: OU.workloads },
      { id: OU.sandbox, name: 'Sandbox', parentId: OU.root },
    ],
    accounts: [
      { id: MANAGEMENT, name: 'management', email: 'm@example.com', status: 'ACTIVE', parentId: OU.root },
      { id: PROD, name: 'prod-app', email: 'p@example.com', status: 'ACTIVE', parentId: OU.prod },
      { id: SANDBOX, name: 'sandbox-1', email: 's@example.com', status: 'ACTIVE', parentId: OU.sandbox },
      { id: SHARED, name: 'shared', email: 'sh@example.com', status: 'ACTIVE', parentId: OU.workloads },
    ],
    permissionSets: [
      { arn: PS.admin, name: 'AdministratorAccess' },
      { arn: PS.readOnly, name: 'ReadOnlyAccess' },
      { arn: PS.custom, name: 'CustomThing' },
      { arn: PS.breakGlass, name: 'BreakGlassAdmin' },
    ],
    groups: [
      { id: GROUP.platform, displayName: 'Platform Admins' },
      { id: GROUP.developers, displayName: 'Developers' },
      { id: GROUP.sandboxUsers, displayName: 'Sandbox Users' },
      { id: GROUP.breakGlass, displayName: 'BreakGlass' },
    ],
    users: [
      { id: USER.alice, userName: 'alice@example.com', active: true, title: 'SRE', department: 'Engineering' },
      { id: USER.bob, userName: 'bob@example.com', active: true, title: 'Developer', department: 'Engineering' },
      { id: USER.carol, userName: 'carol@example.com', active: true, title: 'Analyst', department: 'Finance' },
    ],
  });

export interface Story {
  readonly org: InMemoryOrganization;
  readonly rules: StaticRulesSource;
  readonly publisher: RecordingPublisher;
  readonly notifier: RecordingNotifier;
  readonly clock: FixedClock;
  readonly deps: ReconcileDeps;
}

export const story = (
  org: InMemoryOrganization = storyOrganization(),
  ruleSet: ReturnType<typeof makeRuleSet> = storyRules(),
): Story => {
  const rules = new StaticRulesSource(ruleSet);
  const publisher = new RecordingPublisher();
  const notifier = new RecordingNotifier();
  const clock = new FixedClock();
  return {
    org,
    rules,
    publisher,
    notifier,
    clock,
    deps: {
      organizations: org,
      identityStore: org,
      ssoAdmin: org,
      rules,
      publisher,
      notifier,
      clock,
      managementAccountId: org.state.managementAccountId,
    },
  };
};

let nextEvent = 1;
export const item = (scope: Scope, eventName = 'MoveAccount'): WorkItem => ({
  scope,
  origin: { eventId: `evt-${nextEvent++}`, eventName, source: 'aws.organizations' },
});

export const accountItem = (accountId: string) => item({ kind: 'account', accountId });
export const userItem = (principalId: string) =>
  item({ kind: 'principal', principalType: 'USER', principalId }, 'DeleteUser');
export const groupItem = (principalId: string) =>
  item({ kind: 'principal', principalType: 'GROUP', principalId }, 'DeleteGroup');

/** Assignments as short readable strings, sorted: `222222222222 AdministratorAccess GROUP g-platform`. */
export const describeAssignments = (org: InMemoryOrganization, accountId?: string): string[] => {
  const names = new Map(org.state.permissionSets.map((p) => [p.arn, p.name]));
  return org.state.assignments
    .filter((a) => accountId === undefined || a.accountId === accountId)
    .map(
      (a) =>
        `${a.accountId} ${names.get(a.permissionSetArn) ?? a.permissionSetArn} ${a.principalType} ${a.principalId}`,
    )
    .sort();
};
