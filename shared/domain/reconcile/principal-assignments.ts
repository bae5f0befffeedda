import { PrincipalListingUnavailableError } from '../errors.js';
import type { AccountAssignment, PrincipalType } from '../model.js';
import type { OrganizationsPort, SsoAdminPort } from '../ports.js';

export interface PrincipalAssignmentsDeps {
  readonly organizations: Pick<OrganizationsPort, 'listAccounts'>;
  readonly ssoAdmin: Pick<SsoAdminPort, 'listAccountAssignmentsForPrincipal' | 'listAccountAssignments'>;
}

/** Accounts scanned at once when the principal listing is unavailable; the adapter throttles further. */
const SCAN_CONCURRENCY = 5;

/**
 * Every direct assignment of one principal. `ListAccountAssignmentsForPrincipal` answers only in
 * the management account; a delegated administrator scans every account of the organization
 * instead (docs/aws-facts.md §0.10), whatever the account's status, so that an offboarding misses nothing.
 *
 * @example
 * const assignments = await readPrincipalAssignments(deps, 'USER', userId);
 */
export const readPrincipalAssignments = async (
  deps: PrincipalAssignmentsDeps,
  principalType: PrincipalType,
  principalId: string,
): Promise<AccountAssignment[]> => {
  try {
    return await deps.ssoAdmin.listAccountAssignmentsForPrincipal(principalType, principalId);
  } catch (error) {
    if (!(error instanceof PrincipalListingUnavailableError)) throw error;
  }
  const accounts = await deps.organizations.listAccounts({ withTags: false });
  const perAccount = await mapInBatches(
    accounts.map((a) => a.id),
    SCAN_CONCURRENCY,
    (accountId) => deps.ssoAdmin.listAccountAssignments(accountId),
  );
  return perAccount.flat().filter((a) => a.principalType === principalType && a.principalId === principalId);
};

const mapInBatches = async <T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  }
  return results;
};
