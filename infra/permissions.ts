import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Every IAM statement that a `grant*` method cannot express lives here, so a reviewer reads the
 * whole permission model in one file. Resource types per action follow the Service Authorization
 * Reference for IAM Identity Center (`sso`), AWS Identity Store (`identitystore`) and AWS
 * Organizations; each action is scoped to every resource type it supports, and a `*` resource
 * appears only for actions that support no resource type at all.
 */

/**
 * Statements for one purpose, with the wildcard resources they use and why each one is needed.
 * The construct that attaches the statements acknowledges the cdk-nag finding of each wildcard
 * with that reason (`LifecycleFunction.allow`), so the reason is written where the ARN is.
 */
export interface Permission {
  readonly statements: readonly PolicyStatement[];
  readonly wildcards: readonly { readonly resource: string; readonly reason: string }[];
}

/** Statements with the reasons for their wildcard resources (none by default). */
export const permission = (
  statements: readonly PolicyStatement[],
  wildcards: Permission['wildcards'] = [],
): Permission => ({
  statements,
  wildcards,
});

/** Several permissions as one. */
export const combine = (...permissions: readonly Permission[]): Permission => ({
  statements: permissions.flatMap((p) => p.statements),
  wildcards: permissions.flatMap((p) => p.wildcards),
});

const IDS_ARE_DATA =
  'Identity Store users, groups and memberships are addressed by ids that are data, not deploy-time constants; the same statement is scoped to the identity store ARN, which the service requires as well.';
const ORGANIZATION_ID_UNKNOWN =
  'Accounts, OUs and roots of the organization owned by the management account; the organization id is not known at synth time, the management account id scopes it.';

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
export const rulesParameterArns = (scope: IConstruct, rulesPath: string): [path: string, documents: string] => {
  const stack = Stack.of(scope);
  const base = rulesPath.replace(/\/+$/, '');
  const prefix = `arn:${Aws.PARTITION}:ssm:${stack.region}:${stack.account}:parameter${base}`;
  return [prefix, `${prefix}/*`];
};

/** Reading the rules documents and, for the last-valid fallback, their history. */
export const rulesRead = (scope: IConstruct, rulesPath: string): Permission => {
  const [path, documents] = rulesParameterArns(scope, rulesPath);
  return permission(
    [
      new PolicyStatement({
        sid: 'ReadRules',
        actions: ['ssm:GetParametersByPath', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
        resources: [path, documents],
      }),
    ],
    [
      {
        resource: documents,
        reason:
          'Every document under the rules path: documents are added and removed by publishing, without a deployment.',
      },
    ],
  );
};

/**
 * What the deploy-time seed needs: whether the rules path holds anything, and creating documents
 * under it. `PutParameter` is called without `Overwrite`, so it cannot replace a document.
 */
export const rulesSeed = (scope: IConstruct, rulesPath: string): Permission => {
  const [path, documents] = rulesParameterArns(scope, rulesPath);
  return permission(
    [
      new PolicyStatement({
        sid: 'SeedEmptyRulesPath',
        actions: ['ssm:GetParametersByPath', 'ssm:PutParameter'],
        resources: [path, documents],
      }),
    ],
    [
      {
        resource: documents,
        reason:
          'The seed documents are named by the files the configuration points at; the statement stays under the rules path.',
      },
    ],
  );
};

/**
 * Walking the organization tree to list its accounts with their OU, as the fan-out does:
 * ListAccounts and ListRoots support no resource type, so "*" is required for them.
 */
export const organizationsTreeRead = (managementAccountId: string): Permission => {
  const arns = organizationsArns(managementAccountId);
  return permission(
    [
      new PolicyStatement({
        sid: 'ListOrganizationAccounts',
        actions: ['organizations:ListAccounts', 'organizations:ListRoots'],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'WalkOrganizationTree',
        actions: [
          'organizations:ListParents',
          'organizations:ListAccountsForParent',
          'organizations:ListOrganizationalUnitsForParent',
        ],
        resources: [arns.accounts, arns.ous, arns.roots],
      }),
    ],
    [arns.accounts, arns.ous, arns.roots].map((resource) => ({ resource, reason: ORGANIZATION_ID_UNKNOWN })),
  );
};

/** Everything the reconciler reads from Organizations: the tree, each account and its tags. */
export const organizationsRead = (managementAccountId: string): Permission => {
  const arns = organizationsArns(managementAccountId);
  return combine(
    organizationsTreeRead(managementAccountId),
    permission([
      new PolicyStatement({
        sid: 'DescribeOrganization',
        // DescribeOrganization supports no resource type: "*" is required.
        actions: ['organizations:DescribeOrganization'],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'ReadOrganizationAccounts',
        actions: [
          'organizations:DescribeAccount',
          'organizations:DescribeOrganizationalUnit',
          'organizations:ListChildren',
          'organizations:ListTagsForResource',
        ],
        resources: [arns.accounts, arns.ous, arns.roots],
      }),
    ]),
  );
};

/**
 * The identity store reads of an organization-wide run's directory part (done by the worker):
 * every user, the groups the membership rules name, and those groups' members.
 */
export const identityStoreDirectoryRead = (refs: IdentityCenterRefs): Permission => {
  const arns = identityStoreArns(refs);
  return permission(
    [
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
      new PolicyStatement({
        sid: 'ListGroupMembers',
        actions: ['identitystore:ListGroupMemberships'],
        resources: [arns.store, arns.users, arns.groups, arns.memberships],
      }),
    ],
    [arns.users, arns.groups, arns.memberships].map((resource) => ({ resource, reason: IDS_ARE_DATA })),
  );
};

/** Every Identity Store read the reconciler makes: users, groups and memberships. */
export const identityStoreRead = (refs: IdentityCenterRefs): Permission => {
  const arns = identityStoreArns(refs);
  return combine(
    identityStoreDirectoryRead(refs),
    permission([
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
          'identitystore:ListGroupMembershipsForMember',
          'identitystore:GetGroupMembershipId',
          'identitystore:DescribeGroupMembership',
          'identitystore:IsMemberInGroups',
        ],
        resources: [arns.store, arns.users, arns.groups, arns.memberships],
      }),
    ]),
  );
};

/** Group-membership writes for birthright memberships and offboarding: the worker only. */
export const membershipWrite = (refs: IdentityCenterRefs): Permission => {
  const arns = identityStoreArns(refs);
  return permission(
    [
      new PolicyStatement({
        sid: 'WriteGroupMemberships',
        actions: [...MEMBERSHIP_WRITE_ACTIONS],
        resources: [arns.store, arns.users, arns.groups, arns.memberships],
      }),
    ],
    [arns.users, arns.groups, arns.memberships].map((resource) => ({ resource, reason: IDS_ARE_DATA })),
  );
};

/** What the reconciler reads from Identity Center to know the actual assignments. */
export const assignmentRead = (refs: IdentityCenterRefs): Permission => {
  const arns = ssoArns(refs);
  return permission(
    [
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
    ],
    assignmentWildcards(arns),
  );
};

/** Account-assignment writes: the worker only. */
export const assignmentWrite = (refs: IdentityCenterRefs): Permission => {
  const arns = ssoArns(refs);
  return permission(
    [
      new PolicyStatement({
        sid: 'WriteAccountAssignments',
        actions: [...ASSIGNMENT_WRITE_ACTIONS],
        resources: [arns.instance, arns.permissionSets, arns.accounts],
      }),
    ],
    assignmentWildcards(arns),
  );
};

const assignmentWildcards = (arns: ReturnType<typeof ssoArns>): Permission['wildcards'] => [
  {
    resource: arns.permissionSets,
    reason:
      'The managed permission sets are named by the rules and change without a deployment; the statement is scoped to the instance.',
  },
  {
    resource: arns.accounts,
    reason:
      'The accounts to assign are chosen by the rules at run time; the statement is also scoped to the instance and its permission sets.',
  },
];

/** The writes that change who can reach what; only the worker may make them. */
export const ASSIGNMENT_WRITE_ACTIONS = ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment'] as const;
export const MEMBERSHIP_WRITE_ACTIONS = [
  'identitystore:CreateGroupMembership',
  'identitystore:DeleteGroupMembership',
] as const;

/** Deploy-time limits on the worker that no rules document can lift. */
export interface Guardrails {
  readonly permissionSetArns: readonly string[];
  readonly accountIds: readonly string[];
  readonly groupIds: readonly string[];
}

/**
 * Explicit denies for the guardrails. An explicit Deny wins over every Allow, so neither a rules
 * document nor a later Allow added to the role can lift them. The resource types are those the
 * Service Authorization Reference lists for each action (docs/deployment.md, "Guardrails"):
 * CreateAccountAssignment and DeleteAccountAssignment are authorized on the instance, the
 * permission set and the account; CreateGroupMembership and DeleteGroupMembership on the identity
 * store, the group and the user (and the membership, for a delete).
 */
export const guardrailDenyStatements = (guardrails: Guardrails): PolicyStatement[] => {
  const statements: PolicyStatement[] = [];
  const deny = (sid: string, actions: readonly string[], resources: readonly string[]) => {
    if (resources.length > 0) {
      statements.push(
        new PolicyStatement({ sid, effect: Effect.DENY, actions: [...actions], resources: [...resources] }),
      );
    }
  };
  deny('GuardrailProtectedPermissionSets', ASSIGNMENT_WRITE_ACTIONS, guardrails.permissionSetArns);
  deny(
    'GuardrailProtectedAccounts',
    ASSIGNMENT_WRITE_ACTIONS,
    guardrails.accountIds.map((id) => `arn:${Aws.PARTITION}:sso:::account/${id}`),
  );
  deny(
    'GuardrailProtectedGroups',
    MEMBERSHIP_WRITE_ACTIONS,
    guardrails.groupIds.map((id) => `arn:${Aws.PARTITION}:identitystore:::group/${id}`),
  );
  return statements;
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
