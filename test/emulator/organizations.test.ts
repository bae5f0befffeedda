import {
  AccountNotFoundException,
  ChildNotFoundException,
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  InvalidInputException,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  ParentNotFoundException,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import type { RunningEmulator } from '../../emulator/types.js';
import {
  type Clients,
  createClients,
  MANAGEMENT_ACCOUNT,
  PROD_ACCOUNTS,
  PROD_OU,
  ROOT,
  rejectionOf,
  SANDBOX_ACCOUNT,
  SANDBOX_OU,
  seedSnapshot,
  WORKLOADS_OU,
} from './emulator-fixture.js';

describe('emulator Organizations', () => {
  const snapshot = seedSnapshot();
  let emulator: RunningEmulator;
  let clients: Clients;

  beforeAll(async () => {
    emulator = await startEmulator({ snapshot, pageSize: 4 });
    clients = createClients(emulator.endpoint);
  });

  afterAll(async () => {
    clients.destroy();
    await emulator.close();
  });

  it('describes the organization with its management account', async () => {
    const { Organization } = await clients.organizations.send(new DescribeOrganizationCommand({}));

    expect(Organization?.MasterAccountId).toBe(MANAGEMENT_ACCOUNT);
    expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10}$/);
    expect(Organization?.FeatureSet).toBe('ALL');
  });

  it('lists the one root', async () => {
    const { Roots } = await clients.organizations.send(new ListRootsCommand({}));

    expect(Roots?.map((r) => r.Id)).toEqual([ROOT]);
  });

  it('lists the OUs directly under a parent', async () => {
    const { OrganizationalUnits } = await clients.organizations.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT }),
    );

    expect(OrganizationalUnits?.map((ou) => ou.Id).sort()).toEqual([SANDBOX_OU, WORKLOADS_OU].sort());
  });

  it('answers ParentNotFoundException for an unknown parent', async () => {
    const error = await rejectionOf(
      clients.organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-ab12-99999999' })),
    );

    expect(error).toBeInstanceOf(ParentNotFoundException);
  });

  it('lists children of each type', async () => {
    const ous = await clients.organizations.send(
      new ListChildrenCommand({ ParentId: WORKLOADS_OU, ChildType: 'ORGANIZATIONAL_UNIT' }),
    );
    const accounts = await clients.organizations.send(
      new ListChildrenCommand({ ParentId: ROOT, ChildType: 'ACCOUNT' }),
    );

    expect(ous.Children).toEqual([{ Id: PROD_OU, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(accounts.Children).toEqual([{ Id: MANAGEMENT_ACCOUNT, Type: 'ACCOUNT' }]);
  });

  it('describes an OU', async () => {
    const { OrganizationalUnit } = await clients.organizations.send(
      new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: PROD_OU }),
    );

    expect(OrganizationalUnit).toMatchObject({ Id: PROD_OU, Name: 'Prod' });
  });

  it('pages ListAccounts at the emulator page size and respects a smaller MaxResults', async () => {
    const first = await clients.organizations.send(new ListAccountsCommand({}));
    const small = await clients.organizations.send(new ListAccountsCommand({ MaxResults: 2 }));

    expect(first.Accounts).toHaveLength(4);
    expect(first.NextToken).toBeDefined();
    expect(small.Accounts).toHaveLength(2);
  });

  it('returns every account across pages', async () => {
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: clients.organizations }, { MaxResults: 3 })) {
      expect(page.Accounts?.length).toBeLessThanOrEqual(3);
      ids.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
    }

    expect(ids).toEqual(snapshot.accounts.map((a) => a.id));
  });

  it('refuses a token from another listing', async () => {
    const page = await clients.organizations.send(new ListAccountsCommand({ MaxResults: 1 }));

    const error = await rejectionOf(
      clients.organizations.send(new ListAccountsForParentCommand({ ParentId: PROD_OU, NextToken: page.NextToken })),
    );

    expect(error).toBeInstanceOf(InvalidInputException);
  });

  it('lists the accounts of a parent', async () => {
    const { Accounts } = await clients.organizations.send(
      new ListAccountsForParentCommand({ ParentId: SANDBOX_OU, MaxResults: 20 }),
    );

    expect(Accounts?.map((a) => a.Id)).toEqual([SANDBOX_ACCOUNT]);
  });

  it.each([
    [PROD_ACCOUNTS[0] ?? '', { Id: PROD_OU, Type: 'ORGANIZATIONAL_UNIT' }],
    [MANAGEMENT_ACCOUNT, { Id: ROOT, Type: 'ROOT' }],
    [WORKLOADS_OU, { Id: ROOT, Type: 'ROOT' }],
  ])('lists the immediate parent of %s', async (childId, parent) => {
    const { Parents } = await clients.organizations.send(new ListParentsCommand({ ChildId: childId }));

    expect(Parents).toEqual([parent]);
  });

  it('answers ChildNotFoundException for an unknown child', async () => {
    const error = await rejectionOf(clients.organizations.send(new ListParentsCommand({ ChildId: '999999999999' })));

    expect(error).toBeInstanceOf(ChildNotFoundException);
  });

  it('describes an account with Status, State and a JoinedTimestamp', async () => {
    const { Account } = await clients.organizations.send(new DescribeAccountCommand({ AccountId: SANDBOX_ACCOUNT }));

    expect(Account).toMatchObject({ Id: SANDBOX_ACCOUNT, Name: 'sandbox', Status: 'SUSPENDED', State: 'SUSPENDED' });
    expect(Account?.JoinedTimestamp).toBeInstanceOf(Date);
  });

  it('answers AccountNotFoundException for an unknown account', async () => {
    const error = await rejectionOf(
      clients.organizations.send(new DescribeAccountCommand({ AccountId: '999999999999' })),
    );

    expect(error).toBeInstanceOf(AccountNotFoundException);
  });

  it('lists an account’s tags', async () => {
    const { Tags } = await clients.organizations.send(new ListTagsForResourceCommand({ ResourceId: PROD_ACCOUNTS[1] }));

    expect(Tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'green' },
    ]);
  });
});
