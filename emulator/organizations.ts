import { createHash } from 'node:crypto';
import { epochSeconds } from './clock.js';
import { AwsServiceError } from './errors.js';
import { paginate } from './pagination.js';
import { compact, type RequestInput, type ServiceDefinition, type ServiceSettings } from './service.js';
import type { AccountRecord, OrganizationalUnitRecord, WorldState } from './world.js';

/** AWS Organizations (`AWSOrganizationsV20161128`): the read operations the project uses. */

const invalidInput = (message: string) => new AwsServiceError('InvalidInputException', message);

export const organizationId = (managementAccountId: string): string =>
  `o-${createHash('sha256').update(managementAccountId).digest('hex').slice(0, 10)}`;

export const createOrganizationsService = (world: WorldState, settings: ServiceSettings): ServiceDefinition => {
  const orgId = organizationId(world.managementAccountId);
  const arnPrefix = `arn:aws:organizations::${world.managementAccountId}`;

  const accountShape = (a: AccountRecord) => ({
    Id: a.id,
    Arn: `${arnPrefix}:account/${orgId}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: a.status,
    State: a.status,
    JoinedMethod: 'CREATED',
    JoinedTimestamp: epochSeconds(a.joinedAt),
  });

  const ouShape = (ou: OrganizationalUnitRecord) => ({
    Id: ou.id,
    Arn: `${arnPrefix}:ou/${orgId}/${ou.id}`,
    Name: ou.name,
  });

  const page = <T>(input: RequestInput, items: readonly T[], scope: string) =>
    paginate(items, {
      scope,
      nextToken: input.raw('NextToken'),
      maxResults: input.raw('MaxResults'),
      pageSize: settings.pageSize,
      maxAllowed: 20,
      invalidToken: (message, cause) =>
        new AwsServiceError('InvalidInputException', message, { fields: { Reason: 'INVALID_NEXT_TOKEN' }, cause }),
      invalidInput,
    });

  const requireParent = (parentId: string): void => {
    if (!world.organizationalUnits.has(parentId)) {
      throw new AwsServiceError('ParentNotFoundException', `We can't find a root or OU with the ParentId ${parentId}.`);
    }
  };

  const account = (accountId: string): AccountRecord => {
    const record = world.accounts.get(accountId);
    if (record === undefined) {
      throw new AwsServiceError(
        'AccountNotFoundException',
        `You specified an account (${accountId}) that doesn't exist.`,
      );
    }
    return record;
  };

  const childOus = (parentId: string) =>
    [...world.organizationalUnits.values()].filter((ou) => ou.parentId === parentId);
  const childAccounts = (parentId: string) => [...world.accounts.values()].filter((a) => a.parentId === parentId);

  const management = world.accounts.get(world.managementAccountId);

  return {
    targetPrefix: 'AWSOrganizationsV20161128',
    family: 'organizations',
    operations: {
      DescribeOrganization: () => ({
        Organization: compact({
          Id: orgId,
          Arn: `${arnPrefix}:organization/${orgId}`,
          FeatureSet: 'ALL',
          MasterAccountArn: `${arnPrefix}:account/${orgId}/${world.managementAccountId}`,
          MasterAccountId: world.managementAccountId,
          MasterAccountEmail: management?.email,
          AvailablePolicyTypes: [],
        }),
      }),
      ListRoots: (input) => {
        const root = world.organizationalUnits.get(world.rootId);
        const roots = root === undefined ? [] : [root];
        const result = page(input, roots, 'ListRoots');
        return compact({
          Roots: result.items.map((r) => ({
            Id: r.id,
            Arn: `${arnPrefix}:root/${orgId}/${r.id}`,
            Name: r.name,
            PolicyTypes: [],
          })),
          NextToken: result.nextToken,
        });
      },
      ListOrganizationalUnitsForParent: (input) => {
        const parentId = input.string('ParentId');
        requireParent(parentId);
        const result = page(input, childOus(parentId), `ListOrganizationalUnitsForParent:${parentId}`);
        return compact({ OrganizationalUnits: result.items.map(ouShape), NextToken: result.nextToken });
      },
      ListChildren: (input) => {
        const parentId = input.string('ParentId');
        const childType = input.string('ChildType');
        if (childType !== 'ACCOUNT' && childType !== 'ORGANIZATIONAL_UNIT') {
          throw invalidInput(`ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT, got ${childType}`);
        }
        requireParent(parentId);
        const ids =
          childType === 'ACCOUNT' ? childAccounts(parentId).map((a) => a.id) : childOus(parentId).map((ou) => ou.id);
        const result = page(input, ids, `ListChildren:${parentId}:${childType}`);
        return compact({ Children: result.items.map((Id) => ({ Id, Type: childType })), NextToken: result.nextToken });
      },
      DescribeOrganizationalUnit: (input) => {
        const ouId = input.string('OrganizationalUnitId');
        const ou = world.organizationalUnits.get(ouId);
        if (ou === undefined || ou.parentId === null) {
          throw new AwsServiceError(
            'OrganizationalUnitNotFoundException',
            `We can't find an organizational unit (OU) with the OrganizationalUnitId ${ouId}.`,
          );
        }
        return { OrganizationalUnit: ouShape(ou) };
      },
      ListAccounts: (input) => {
        const result = page(input, [...world.accounts.values()], 'ListAccounts');
        return compact({ Accounts: result.items.map(accountShape), NextToken: result.nextToken });
      },
      ListAccountsForParent: (input) => {
        const parentId = input.string('ParentId');
        requireParent(parentId);
        const result = page(input, childAccounts(parentId), `ListAccountsForParent:${parentId}`);
        return compact({ Accounts: result.items.map(accountShape), NextToken: result.nextToken });
      },
      ListParents: (input) => {
        const childId = input.string('ChildId');
        const parentId = world.accounts.get(childId)?.parentId ?? world.organizationalUnits.get(childId)?.parentId;
        if (parentId === undefined || parentId === null) {
          throw new AwsServiceError(
            'ChildNotFoundException',
            `We can't find an organizational unit (OU) or AWS account with the ChildId ${childId}.`,
          );
        }
        const result = page(input, [parentId], `ListParents:${childId}`);
        return compact({
          Parents: result.items.map((Id) => ({ Id, Type: Id === world.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })),
          NextToken: result.nextToken,
        });
      },
      DescribeAccount: (input) => ({ Account: accountShape(account(input.string('AccountId'))) }),
      ListTagsForResource: (input) => {
        const resourceId = input.string('ResourceId');
        const record = world.accounts.get(resourceId);
        if (record === undefined && !world.organizationalUnits.has(resourceId)) {
          throw new AwsServiceError(
            'TargetNotFoundException',
            `We can't find a target with the ResourceId ${resourceId}.`,
          );
        }
        const tags = Object.entries(record?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
        const result = page(input, tags, `ListTagsForResource:${resourceId}`);
        return compact({ Tags: result.items, NextToken: result.nextToken });
      },
    },
  };
};
