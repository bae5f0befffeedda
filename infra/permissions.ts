import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Every IAM statement that a `grant*` method cannot express lives here, so a reviewer reads the
 * whole permission model in one file. Resource types per action follow the Service Authorization
 * Reference for IAM Identity Center (`sso`), AWS Identity Store (`identitystore`) and AWS
 * Organizations; each action is scoped to every resource type it supports, and a `*` resource
 * appears only for actions that support no resource type at all.
 */

/** The Identity Center instance the automation manages. Values may be deploy-time tokens. */
export interface IdentityCenterRefs {
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** The account that owns the organization instance and its identity store. */
  readonly managementAccountId: string;
}

const instanceIdOf = (instanceArn: string): string =>
  Token.isUnresolved(instanceArn) ? Fn.select(1, Fn.split('/', instanceArn)) : (instanceArn.split('/')[1] ?? '');

/** ARNs of the Identity Center resource types (`sso`); the instance ARN itself has no Region or account. */
export const ssoArns = (refs: IdentityCenterRefs) => ({
  instance: refs.instanceArn,
  permissionSets: `arn:${Aws.PARTITION}:sso:::permissionSet/${instanceIdOf(refs.instanceArn)}/*`,
  // Account assignments may target any member account the rules select; the account list is dynamic.
  accounts: `arn:${Aws.PARTITION}:sso:::account/*`,
});

/** ARNs of the Identity Store resource types; users, groups and memberships carry no store id in their ARN. */
export const identityStoreArns = (refs: IdentityCenterRefs) => ({
  store: `arn:${Aws.PARTITION}:identitystore::${refs.managementAccountId}:identitystore/${refs.identityStoreId}`,
  users: `arn:${Aws.PARTITION}:identitystore:::user/*`,
  groups: `arn:${Aws.PARTITION}:identitystore:::group/*`,
  memberships: `arn:${Aws.PARTITION}:identitystore:::membership/*`,
});

const organizationsArns = (managementAccountId: string) => ({
  accounts: `arn:${Aws.PARTITION}:organizations::${managementAccountId}:account/o-*/*`,
  ous: `arn:${Aws.PARTITION}:organizations::${managementAccountId}:ou/o-*/ou-*`,
  roots: `arn:${Aws.PARTITION}:organizations::${managementAccountId}:root/o-*/r-*`,
});

/** Parameter ARNs for the rules path: the path itself (GetParametersByPath) and every document under it. */
export const rulesParameterArns = (scope: IConstruct, rulesPath: string): string[] => {
  const stack = Stack.of(scope);
  const base = rulesPath.replace(/\/+$/, '');
  const prefix = `arn:${Aws.PARTITION}:ssm:${stack.region}:${stack.account}:parameter${base}`;
  return [prefix, `${prefix}/*`];
};

/** Reading the rules documents and, for the last-valid fallback, their history. */
export const rulesReadStatements = (scope: IConstruct, rulesPath: string): PolicyStatement[] => [
  new PolicyStatement({
    sid: 'ReadRules',
    actions: ['ssm:GetParametersByPath', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
    resources: rulesParameterArns(scope, rulesPath),
  }),
];

/** Listing the accounts of the organization (the sweep's fan-out). */
export const organizationsListStatements = (): PolicyStatement[] => [
  new PolicyStatement({
    sid: 'ListOrganizationAccounts',
    // ListAccounts supports no resource type: the Service Authorization Reference requires "*".
    actions: ['organizations:ListAccounts'],
    resources: ['*'],
  }),
];

/** Everything the reconciler reads from Organizations: accounts, their OU path and tags. */
export const organizationsReadStatements = (managementAccountId: string): PolicyStatement[] => {
  const arns = organizationsArns(managementAccountId);
  return [
    ...organizationsListStatements(),
    new PolicyStatement({
      sid: 'ReadOrganizationRoots',
      // ListRoots and DescribeOrganization support no resource type: "*" is required.
      actions: ['organizations:ListRoots', 'organizations:DescribeOrganization'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'ReadOrganizationTree',
      actions: [
        'organizations:DescribeAccount',
        'organizations:DescribeOrganizationalUnit',
        'organizations:ListParents',
        'organizations:ListChildren',
        'organizations:ListAccountsForParent',
        'organizations:ListOrganizationalUnitsForParent',
        'organizations:ListTagsForResource',
      ],
      resources: [arns.accounts, arns.ous, arns.roots],
    }),
  ];
};

/** Resolving users and groups, as the fan-out needs for principal scopes. */
export const identityStoreLookupStatements = (refs: IdentityCenterRefs): PolicyStatement[] => {
  const arns = identityStoreArns(refs);
  return [
    new PolicyStatement({
      sid: 'ListIdentityStoreUsers',
      actions: ['identitystore:ListUsers'],
      resources: [arns.store, arns.users],
    }),
    new PolicyStatement({
      sid: 'ResolveIdentityStoreGroups',
      actions: ['identitystore:GetGroupId'],
      resources: [arns.store, arns.groups],
    }),
  ];
};

/** Every Identity Store read the reconciler makes: users, groups and memberships. */
export const identityStoreReadStatements = (refs: IdentityCenterRefs): PolicyStatement[] => {
  const arns = identityStoreArns(refs);
  return [
    ...identityStoreLookupStatements(refs),
    new PolicyStatement({
      sid: 'ReadIdentityStoreUsers',
      actions: ['identitystore:DescribeUser', 'identitystore:GetUserId'],
      resources: [arns.store, arns.users],
    }),
    new PolicyStatement({
      sid: 'ReadIdentityStoreGroups',
      actions: ['identitystore:DescribeGroup', 'identitystore:ListGroups'],
      resources: [arns.store, arns.groups],
    }),
    new PolicyStatement({
      sid: 'ReadIdentityStoreMemberships',
      actions: [
        'identitystore:ListGroupMemberships',
        'identitystore:ListGroupMembershipsForMember',
        'identitystore:GetGroupMembershipId',
        'identitystore:DescribeGroupMembership',
        'identitystore:IsMemberInGroups',
      ],
      resources: [arns.store, arns.users, arns.groups, arns.memberships],
    }),
  ];
};

/** Group-membership writes for birthright memberships and offboarding: the worker only. */
export const membershipWriteStatements = (refs: IdentityCenterRefs): PolicyStatement[] => {
  const arns = identityStoreArns(refs);
  return [
    new PolicyStatement({
      sid: 'WriteGroupMemberships',
      actions: ['identitystore:CreateGroupMembership', 'identitystore:DeleteGroupMembership'],
      resources: [arns.store, arns.users, arns.groups, arns.memberships],
    }),
  ];
};

/** What the reconciler reads from Identity Center to know the actual assignments. */
export const assignmentReadStatements = (refs: IdentityCenterRefs): PolicyStatement[] => {
  const arns = ssoArns(refs);
  return [
    new PolicyStatement({
      sid: 'ReadPermissionSets',
      actions: ['sso:ListPermissionSets', 'sso:DescribePermissionSet'],
      resources: [arns.instance, arns.permissionSets],
    }),
    new PolicyStatement({
      sid: 'ReadAccountAssignments',
      actions: ['sso:ListPermissionSetsProvisionedToAccount', 'sso:ListAccountAssignments'],
      resources: [arns.instance, arns.permissionSets, arns.accounts],
    }),
    new PolicyStatement({
      sid: 'ReadAssignmentRequestStatus',
      actions: ['sso:DescribeAccountAssignmentCreationStatus', 'sso:DescribeAccountAssignmentDeletionStatus'],
      resources: [arns.instance],
    }),
  ];
};

/** Account-assignment writes: the worker only. */
export const assignmentWriteStatements = (refs: IdentityCenterRefs): PolicyStatement[] => {
  const arns = ssoArns(refs);
  return [
    new PolicyStatement({
      sid: 'WriteAccountAssignments',
      actions: ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment'],
      resources: [arns.instance, arns.permissionSets, arns.accounts],
    }),
  ];
};

/**
 * `ListAccountAssignmentsForPrincipal` answers only in the management account; it supports the
 * instance resource type only.
 */
export const principalAssignmentReadStatements = (refs: IdentityCenterRefs): PolicyStatement[] => [
  new PolicyStatement({
    sid: 'ListAssignmentsForPrincipal',
    actions: ['sso:ListAccountAssignmentsForPrincipal'],
    resources: [ssoArns(refs).instance],
  }),
];

/** The worker hops into the management account's narrow read role. */
export const assumePrincipalReadRoleStatements = (roleArn: string): PolicyStatement[] => [
  new PolicyStatement({ sid: 'AssumePrincipalReadRole', actions: ['sts:AssumeRole'], resources: [roleArn] }),
];

/** Deploy-time discovery of the instance ARN and identity store id. */
export const instanceDiscoveryStatements = (): PolicyStatement[] => [
  new PolicyStatement({
    sid: 'DiscoverIdentityCenterInstance',
    // ListInstances supports no resource type: "*" is required.
    actions: ['sso:ListInstances'],
    resources: ['*'],
  }),
];
