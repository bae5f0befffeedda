import {
  DescribeAccountCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
  type Account as SdkAccount,
} from '@aws-sdk/client-organizations';
import type { Account, AccountStatus, OrganizationalUnit } from '../domain/model.js';
import type { OrganizationsPort } from '../domain/ports.js';
import { isAwsError } from './aws-errors.js';
import { mapConcurrent } from './map-concurrent.js';
import { collectPages } from './paginate.js';

/** Organizations pages hold at most 20 items; asking for the maximum keeps calls down. */
const PAGE = 20;
const TAG_CONCURRENCY = 4;

type OrganizationsSend = Pick<OrganizationsClient, 'send'>;

/** An Organizations answer that is missing a field the API documents as always present. */
export class OrganizationsResponseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OrganizationsResponseError';
  }
}

/**
 * The deprecated `Status` is still returned and is what the model speaks; the newer `State` is the
 * fallback. The engine only distinguishes ACTIVE from the rest, so the states that `Status` has no
 * word for (PENDING_ACTIVATION, CLOSED) read as SUSPENDED: never targeted.
 */
const accountStatus = (account: SdkAccount): AccountStatus => {
  const value = account.Status ?? account.State;
  if (value === 'ACTIVE' || value === 'PENDING_CLOSURE' || value === 'SUSPENDED') return value;
  return 'SUSPENDED';
};

const required = (value: string | undefined, what: string): string => {
  if (value === undefined || value === '')
    throw new OrganizationsResponseError(`Organizations returned ${what} without a value`);
  return value;
};

/**
 * {@link OrganizationsPort} over the Organizations API. The OU tree, the account list and account
 * tags are cached for the life of the instance (the composition root decides that life, normally
 * one invocation); `describeAccount` always reads live, since it serves events about one account.
 *
 * Accounts get their parent from `ListAccountsForParent` on every OU rather than `ListParents` on
 * every account: the tree is read anyway, so this costs about (OUs + accounts/20) calls instead of
 * one call per account, which is what counts against the shared request quotas at 2,000 accounts.
 * `ListAccounts` stays the authority on which accounts exist; an account that a concurrent
 * `MoveAccount` made appear under no parent or two is settled with one `ListParents`.
 */
export class OrganizationsAdapter implements OrganizationsPort {
  #organizationalUnits: Promise<OrganizationalUnit[]> | undefined;
  #accounts: Promise<Account[]> | undefined;
  readonly #tags = new Map<string, Promise<Record<string, string>>>();

  constructor(private readonly client: OrganizationsSend) {}

  /** Forgets the cached OU tree, account list and tags. */
  clearCache(): void {
    this.#organizationalUnits = undefined;
    this.#accounts = undefined;
    this.#tags.clear();
  }

  listOrganizationalUnits(): Promise<OrganizationalUnit[]> {
    if (!this.#organizationalUnits) {
      const reading = this.#readTree();
      this.#organizationalUnits = reading;
      // A failed read must not stay cached: the next caller tries again.
      reading.catch(() => {
        if (this.#organizationalUnits === reading) this.#organizationalUnits = undefined;
      });
    }
    return this.#organizationalUnits.then((units) => [...units]);
  }

  async listAccounts(options: { readonly withTags: boolean }): Promise<Account[]> {
    if (!this.#accounts) {
      const reading = this.#readAccounts();
      this.#accounts = reading;
      reading.catch(() => {
        if (this.#accounts === reading) this.#accounts = undefined;
      });
    }
    const accounts = await this.#accounts;
    if (!options.withTags) return [...accounts];
    // One call per account, so a few run at once; Organizations throttles separately from Identity Center.
    return mapConcurrent(accounts, TAG_CONCURRENCY, async (account) => ({
      ...account,
      tags: await this.#accountTags(account.id),
    }));
  }

  async describeAccount(accountId: string, options: { readonly withTags: boolean }): Promise<Account | undefined> {
    let described: SdkAccount | undefined;
    let parentId: string;
    try {
      const response = await this.client.send(new DescribeAccountCommand({ AccountId: accountId }));
      described = response.Account;
      parentId = await this.#parentOf(accountId);
    } catch (error) {
      // The account left the organization (or was never in it) between the event and this read.
      if (isAwsError(error, 'AccountNotFoundException', 'ChildNotFoundException')) return undefined;
      throw error;
    }
    // An answer without the account is as broken as one without a parent: never a departure.
    if (!described) throw new OrganizationsResponseError(`DescribeAccount answered no account for ${accountId}`);
    const account = this.#toAccount(described, parentId);
    if (!options.withTags) return account;
    return { ...account, tags: await this.#readTags(accountId) };
  }

  async listAccountTags(accountId: string): Promise<Record<string, string> | undefined> {
    try {
      return await this.#accountTags(accountId);
    } catch (error) {
      // The account left the organization since it was listed: its tags are unknown, not empty.
      if (isAwsError(error, 'TargetNotFoundException')) return undefined;
      throw error;
    }
  }

  async #readTree(): Promise<OrganizationalUnit[]> {
    const roots = await collectPages(
      (NextToken) => this.client.send(new ListRootsCommand({ NextToken })),
      (page) => page.Roots,
    );
    const units: OrganizationalUnit[] = roots.map((root) => ({
      id: required(root.Id, 'a root'),
      name: root.Name ?? 'Root',
      parentId: null,
    }));
    // Breadth first; the tree is at most five OU levels deep.
    let parents = units.map((unit) => unit.id);
    while (parents.length > 0) {
      const next: string[] = [];
      for (const parentId of parents) {
        const children = await collectPages(
          (NextToken) =>
            this.client.send(
              new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, MaxResults: PAGE, NextToken }),
            ),
          (page) => page.OrganizationalUnits,
        );
        for (const child of children) {
          const id = required(child.Id, 'an organizational unit');
          units.push({ id, name: child.Name ?? id, parentId });
          next.push(id);
        }
      }
      parents = next;
    }
    return units;
  }

  async #readAccounts(): Promise<Account[]> {
    const listed = await collectPages(
      (NextToken) => this.client.send(new ListAccountsCommand({ MaxResults: PAGE, NextToken })),
      (page) => page.Accounts,
    );
    const placements = new Map<string, string[]>();
    for (const unit of await this.listOrganizationalUnits()) {
      const children = await collectPages(
        (NextToken) =>
          this.client.send(new ListAccountsForParentCommand({ ParentId: unit.id, MaxResults: PAGE, NextToken })),
        (page) => page.Accounts,
      );
      for (const child of children) {
        const id = required(child.Id, 'an account');
        placements.set(id, [...(placements.get(id) ?? []), unit.id]);
      }
    }
    const accounts: Account[] = [];
    for (const sdkAccount of listed) {
      const id = required(sdkAccount.Id, 'an account');
      const seen = placements.get(id) ?? [];
      let parentId = seen.length === 1 ? seen[0] : undefined;
      if (parentId === undefined) {
        try {
          parentId = await this.#parentOf(id);
        } catch (error) {
          // Gone since ListAccounts: it is no longer part of the organization.
          if (isAwsError(error, 'ChildNotFoundException', 'AccountNotFoundException')) continue;
          throw error;
        }
      }
      accounts.push(this.#toAccount(sdkAccount, parentId));
    }
    return accounts;
  }

  /**
   * Every account in an organization has exactly one parent, so an empty `ListParents` answer is
   * a broken answer, not a departure: read as "gone", it would revoke a live account's access on a
   * replayed removal event. Only `ChildNotFoundException`/`AccountNotFoundException` mean gone.
   */
  async #parentOf(accountId: string): Promise<string> {
    const parents = await collectPages(
      (NextToken) => this.client.send(new ListParentsCommand({ ChildId: accountId, NextToken })),
      (page) => page.Parents,
    );
    const parentId = parents[0]?.Id;
    if (parentId === undefined || parentId === '') {
      throw new OrganizationsResponseError(`Organizations listed no parent for account ${accountId}`);
    }
    return parentId;
  }

  #accountTags(accountId: string): Promise<Record<string, string>> {
    let tags = this.#tags.get(accountId);
    if (!tags) {
      tags = this.#readTags(accountId);
      this.#tags.set(accountId, tags);
      const reading = tags;
      reading.catch(() => {
        if (this.#tags.get(accountId) === reading) this.#tags.delete(accountId);
      });
    }
    return tags.then((value) => ({ ...value }));
  }

  async #readTags(accountId: string): Promise<Record<string, string>> {
    const tags = await collectPages(
      (NextToken) => this.client.send(new ListTagsForResourceCommand({ ResourceId: accountId, NextToken })),
      (page) => page.Tags,
    );
    const result: Record<string, string> = {};
    for (const tag of tags) if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? '';
    return result;
  }

  #toAccount(account: SdkAccount, parentId: string): Account {
    return {
      id: required(account.Id, 'an account'),
      name: account.Name ?? '',
      email: account.Email ?? '',
      status: accountStatus(account),
      parentId,
    };
  }
}
