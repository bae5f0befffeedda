import {
  AccountNotFoundException,
  DescribeAccountCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  TargetNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { OrganizationsAdapter } from '../../../shared/adapters/organizations.js';

const orgs = mockClient(OrganizationsClient);
const meta = { $metadata: {} };

/** Root r-ab12 holds OU Workloads (ou-ab12-11111111), which holds OU Prod (ou-ab12-22222222). */
const seedTree = () => {
  orgs.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12', Name: 'Root' }] });
  orgs
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12', NextToken: undefined })
    .resolves({ OrganizationalUnits: [], NextToken: 'short-page' })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12', NextToken: 'short-page' })
    .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-11111111', Name: 'Workloads' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-11111111' })
    .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-22222222', Name: 'Prod' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-22222222' })
    .resolves({ OrganizationalUnits: [] });
};

const sdkAccount = (id: string, name: string, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE') => ({
  Id: id,
  Name: name,
  Email: `${name}@example.com`,
  Status: status,
});

const seedAccounts = () => {
  orgs
    .on(ListAccountsCommand, { NextToken: undefined })
    .resolves({ Accounts: [sdkAccount('111122223333', 'mgmt')], NextToken: 'a2' })
    .on(ListAccountsCommand, { NextToken: 'a2' })
    .resolves({ Accounts: [sdkAccount('222233334444', 'prod-app'), sdkAccount('333344445555', 'old', 'SUSPENDED')] });
  orgs
    .on(ListAccountsForParentCommand, { ParentId: 'r-ab12' })
    .resolves({ Accounts: [sdkAccount('111122223333', 'mgmt')] })
    .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' })
    .resolves({ Accounts: [sdkAccount('333344445555', 'old', 'SUSPENDED')] })
    .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-22222222', NextToken: undefined })
    .resolves({ Accounts: [], NextToken: 'p2' })
    .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-22222222', NextToken: 'p2' })
    .resolves({ Accounts: [sdkAccount('222233334444', 'prod-app')] });
};

beforeEach(() => {
  orgs.reset();
});

describe('OrganizationsAdapter.listOrganizationalUnits', () => {
  it('walks the whole tree through every page, short pages included', async () => {
    // Prepare
    seedTree();
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const units = await adapter.listOrganizationalUnits();

    // Assess
    expect(units).toEqual([
      { id: 'r-ab12', name: 'Root', parentId: null },
      { id: 'ou-ab12-11111111', name: 'Workloads', parentId: 'r-ab12' },
      { id: 'ou-ab12-22222222', name: 'Prod', parentId: 'ou-ab12-11111111' },
    ]);
    expect(orgs.commandCalls(ListOrganizationalUnitsForParentCommand).map((c) => c.args[0].input)).toEqual([
      { ParentId: 'r-ab12', MaxResults: 20, NextToken: undefined },
      { ParentId: 'r-ab12', MaxResults: 20, NextToken: 'short-page' },
      { ParentId: 'ou-ab12-11111111', MaxResults: 20, NextToken: undefined },
      { ParentId: 'ou-ab12-22222222', MaxResults: 20, NextToken: undefined },
    ]);
  });

  it('reads the tree once per instance until clearCache is called', async () => {
    // Prepare
    seedTree();
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    await adapter.listOrganizationalUnits();
    await adapter.listOrganizationalUnits();
    const rootsBeforeClear = orgs.commandCalls(ListRootsCommand).length;
    adapter.clearCache();
    await adapter.listOrganizationalUnits();

    // Assess
    expect(rootsBeforeClear).toBe(1);
    expect(orgs.commandCalls(ListRootsCommand)).toHaveLength(2);
  });

  it('does not cache a failed read', async () => {
    // Prepare
    seedTree();
    orgs
      .on(ListRootsCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'slow down', ...meta }))
      .resolves({ Roots: [{ Id: 'r-ab12', Name: 'Root' }] });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const first = adapter.listOrganizationalUnits();
    await expect(first).rejects.toThrow('slow down');
    const second = await adapter.listOrganizationalUnits();

    // Assess
    expect(second).toHaveLength(3);
  });
});

describe('OrganizationsAdapter.listAccounts', () => {
  it('places every account under its parent without one ListParents per account', async () => {
    // Prepare
    seedTree();
    seedAccounts();
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const accounts = await adapter.listAccounts({ withTags: false });

    // Assess
    expect(accounts).toEqual([
      { id: '111122223333', name: 'mgmt', email: 'mgmt@example.com', status: 'ACTIVE', parentId: 'r-ab12' },
      {
        id: '222233334444',
        name: 'prod-app',
        email: 'prod-app@example.com',
        status: 'ACTIVE',
        parentId: 'ou-ab12-22222222',
      },
      { id: '333344445555', name: 'old', email: 'old@example.com', status: 'SUSPENDED', parentId: 'ou-ab12-11111111' },
    ]);
    expect(orgs.commandCalls(ListParentsCommand)).toHaveLength(0);
    expect(orgs.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
    expect(orgs.commandCalls(ListAccountsCommand).map((c) => c.args[0].input)).toEqual([
      { MaxResults: 20, NextToken: undefined },
      { MaxResults: 20, NextToken: 'a2' },
    ]);
  });

  it('asks ListParents for an account that a concurrent move left under no parent', async () => {
    // Prepare
    seedTree();
    seedAccounts();
    orgs.on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' }).resolves({ Accounts: [] });
    orgs
      .on(ListParentsCommand, { ChildId: '333344445555' })
      .resolves({ Parents: [{ Id: 'ou-ab12-22222222', Type: 'ORGANIZATIONAL_UNIT' }] });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const accounts = await adapter.listAccounts({ withTags: false });

    // Assess
    expect(accounts.find((a) => a.id === '333344445555')?.parentId).toBe('ou-ab12-22222222');
    expect(orgs.commandCalls(ListParentsCommand).map((c) => c.args[0].input)).toEqual([
      { ChildId: '333344445555', NextToken: undefined },
    ]);
  });

  it('throws rather than leaving an account out when ListParents lists no parent for it', async () => {
    // Prepare
    seedTree();
    seedAccounts();
    orgs.on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' }).resolves({ Accounts: [] });
    orgs.on(ListParentsCommand, { ChildId: '333344445555' }).resolves({ Parents: [] });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const result = adapter.listAccounts({ withTags: false });

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'OrganizationsResponseError' });
  });

  it('reads tags only when asked, every page, and caches them', async () => {
    // Prepare
    seedTree();
    seedAccounts();
    orgs
      .on(ListTagsForResourceCommand)
      .resolves({ Tags: [] })
      .on(ListTagsForResourceCommand, { ResourceId: '222233334444', NextToken: undefined })
      .resolves({ Tags: [{ Key: 'env', Value: 'prod' }], NextToken: 't2' })
      .on(ListTagsForResourceCommand, { ResourceId: '222233334444', NextToken: 't2' })
      .resolves({ Tags: [{ Key: 'team', Value: 'payments' }] });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const untagged = await adapter.listAccounts({ withTags: false });
    const tagged = await adapter.listAccounts({ withTags: true });
    await adapter.listAccounts({ withTags: true });

    // Assess
    expect(untagged.every((a) => a.tags === undefined)).toBe(true);
    expect(tagged.find((a) => a.id === '222233334444')?.tags).toEqual({ env: 'prod', team: 'payments' });
    expect(tagged.find((a) => a.id === '111122223333')?.tags).toEqual({});
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
    expect(orgs.commandCalls(ListTagsForResourceCommand)).toHaveLength(4);
  });
});

describe('OrganizationsAdapter.listAccountTags', () => {
  it("reads one account's tags, every page, with ListTagsForResource alone", async () => {
    // Prepare
    orgs
      .on(ListTagsForResourceCommand, { ResourceId: '222233334444', NextToken: undefined })
      .resolves({ Tags: [{ Key: 'env', Value: 'prod' }], NextToken: 't2' })
      .on(ListTagsForResourceCommand, { ResourceId: '222233334444', NextToken: 't2' })
      .resolves({ Tags: [{ Key: 'team', Value: 'payments' }] });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const tags = await adapter.listAccountTags('222233334444');

    // Assess
    expect(tags).toEqual({ env: 'prod', team: 'payments' });
    expect(orgs.calls()).toHaveLength(2);
  });

  it('answers undefined for an account that is no longer in the organization, rather than no tags', async () => {
    // Prepare
    orgs
      .on(ListTagsForResourceCommand)
      .rejects(new TargetNotFoundException({ message: "We can't find a target", ...meta }));
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const tags = await adapter.listAccountTags('999988887777');

    // Assess
    expect(tags).toBeUndefined();
  });

  it('propagates any other error, so that the read that needs the tags fails', async () => {
    // Prepare
    orgs.on(ListTagsForResourceCommand).rejects(new TooManyRequestsException({ message: 'slow down', ...meta }));
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const result = adapter.listAccountTags('222233334444');

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  });
});

describe('OrganizationsAdapter.describeAccount', () => {
  it('returns the account with its parent, and tags when asked', async () => {
    // Prepare
    orgs.on(DescribeAccountCommand).resolves({ Account: sdkAccount('222233334444', 'prod-app') });
    orgs.on(ListParentsCommand).resolves({ Parents: [{ Id: 'ou-ab12-22222222', Type: 'ORGANIZATIONAL_UNIT' }] });
    orgs.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'env', Value: 'prod' }] });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const account = await adapter.describeAccount('222233334444', { withTags: true });

    // Assess
    expect(account).toEqual({
      id: '222233334444',
      name: 'prod-app',
      email: 'prod-app@example.com',
      status: 'ACTIVE',
      parentId: 'ou-ab12-22222222',
      tags: { env: 'prod' },
    });
    expect(orgs.commandCalls(DescribeAccountCommand)[0]?.args[0].input).toEqual({ AccountId: '222233334444' });
    expect(orgs.commandCalls(ListParentsCommand)[0]?.args[0].input).toEqual({
      ChildId: '222233334444',
      NextToken: undefined,
    });
    expect(orgs.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      ResourceId: '222233334444',
      NextToken: undefined,
    });
  });

  it('returns undefined for an account that is not in the organization', async () => {
    // Prepare
    orgs.on(DescribeAccountCommand).rejects(new AccountNotFoundException({ message: 'no such account', ...meta }));
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const account = await adapter.describeAccount('999988887777', { withTags: false });

    // Assess
    expect(account).toBeUndefined();
  });

  it.each([
    ['ListParents lists no parent', { Account: sdkAccount('222233334444', 'prod-app') }, []],
    ['DescribeAccount answers no account', {}, [{ Id: 'r-ab12', Type: 'ROOT' as const }]],
  ])('throws, rather than calling the account gone, when %s', async (_, described, parents) => {
    // Prepare
    orgs.on(DescribeAccountCommand).resolves(described);
    orgs.on(ListParentsCommand).resolves({ Parents: parents });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const result = adapter.describeAccount('222233334444', { withTags: false });

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'OrganizationsResponseError' });
  });

  it('propagates any other error', async () => {
    // Prepare
    orgs.on(DescribeAccountCommand).rejects(new TooManyRequestsException({ message: 'slow down', ...meta }));
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const result = adapter.describeAccount('222233334444', { withTags: false });

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'TooManyRequestsException' });
  });

  it.each([
    [{ State: 'ACTIVE' as const }, 'ACTIVE'],
    [{ State: 'PENDING_CLOSURE' as const }, 'PENDING_CLOSURE'],
    [{ State: 'CLOSED' as const }, 'SUSPENDED'],
    [{ State: 'PENDING_ACTIVATION' as const }, 'SUSPENDED'],
    [{ Status: 'SUSPENDED' as const, State: 'CLOSED' as const }, 'SUSPENDED'],
  ])('maps %j to status %s', async (state, expected) => {
    // Prepare
    orgs
      .on(DescribeAccountCommand)
      .resolves({ Account: { Id: '222233334444', Name: 'x', Email: 'x@example.com', ...state } });
    orgs.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
    const adapter = new OrganizationsAdapter(new OrganizationsClient({}));

    // Act
    const account = await adapter.describeAccount('222233334444', { withTags: false });

    // Assess
    expect(account?.status).toBe(expected);
  });
});
