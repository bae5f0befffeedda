import { type OrgBuilder, orgBuilder } from '../../support/org-builder.js';

/**
 * The organization the domain tests share:
 *
 * ```
 * Root (r-ab12)                      111111111111 management, 500000000001 (no tags)
 * ├─ Workloads
 * │  ├─ Prod                         200000000001 {env: prod, team: a}
 * │  │  └─ L3 └─ L4 └─ L5            200000000005 {env: prod, team: b}   (five levels deep)
 * │  ├─ Staging                      200000000002 {env: staging}
 * │  └─ Sandbox                      200000000003 {env: dev}
 * ├─ Security                        300000000001
 * └─ Closed                          400000000001 SUSPENDED, 400000000002 PENDING_CLOSURE
 * ```
 * Permission sets: AdministratorAccess, ReadOnlyAccess, BreakGlassAdmin, BillingView.
 * Groups: Platform Admins, Auditors, BreakGlass, Developers, SREs.
 * Users: alice (SRE, Engineering), bob (SWE, Engineering), carol (SRE, Finance),
 * dave (SRE, Engineering, disabled), root-user (protected candidate).
 */
export const ACCOUNTS = {
  management: '111111111111',
  prod: '200000000001',
  staging: '200000000002',
  sandbox: '200000000003',
  deep: '200000000005',
  security: '300000000001',
  suspended: '400000000001',
  closing: '400000000002',
  untagged: '500000000001',
} as const;

export const standardOrg = (): OrgBuilder =>
  orgBuilder()
    .managementAccount(ACCOUNTS.management)
    .account(ACCOUNTS.prod, { ou: '/Workloads/Prod', tags: { env: 'prod', team: 'a' } })
    .account(ACCOUNTS.deep, { ou: '/Workloads/Prod/L3/L4/L5', tags: { env: 'prod', team: 'b' } })
    .account(ACCOUNTS.staging, { ou: '/Workloads/Staging', tags: { env: 'staging' } })
    .account(ACCOUNTS.sandbox, { ou: '/Workloads/Sandbox', tags: { env: 'dev' } })
    .account(ACCOUNTS.security, { ou: '/Security' })
    .account(ACCOUNTS.suspended, { ou: '/Closed', status: 'SUSPENDED', tags: { env: 'prod' } })
    .account(ACCOUNTS.closing, { ou: '/Closed', status: 'PENDING_CLOSURE', tags: { env: 'prod' } })
    .account(ACCOUNTS.untagged)
    .permissionSet('AdministratorAccess')
    .permissionSet('ReadOnlyAccess')
    .permissionSet('BreakGlassAdmin')
    .permissionSet('BillingView')
    .group('Platform Admins')
    .group('Auditors')
    .group('BreakGlass')
    .group('Developers')
    .group('SREs')
    .user('alice', { title: 'SRE', department: 'Engineering' })
    .user('bob', { title: 'SWE', department: 'Engineering' })
    .user('carol', { title: 'SRE', department: 'Finance' })
    .user('dave', { title: 'SRE', department: 'Engineering', active: false })
    .user('root-user', { title: 'SRE', department: 'Engineering' });

/** Every ACTIVE account but the management account, sorted. */
export const ACTIVE_MEMBER_ACCOUNTS = [
  ACCOUNTS.prod,
  ACCOUNTS.staging,
  ACCOUNTS.sandbox,
  ACCOUNTS.deep,
  ACCOUNTS.security,
  ACCOUNTS.untagged,
].sort();
