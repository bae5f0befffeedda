import type { SsoAdminPort } from '../domain/ports.js';

/**
 * Routes `ListAccountAssignmentsForPrincipal` to a reader in the management account (the only
 * account where it answers; docs/aws-facts.md §0.10) and every other call to `main`. Without a reader,
 * `main` answers, and the reconcile falls back to scanning accounts when it cannot.
 *
 * @example
 * const ssoAdmin = withPrincipalReader(new SsoAdminAdapter(client, options), new SsoAdminAdapter(managementClient, options));
 */
export const withPrincipalReader = (
  main: SsoAdminPort,
  reader: Pick<SsoAdminPort, 'listAccountAssignmentsForPrincipal'> | undefined,
): SsoAdminPort => ({
  listPermissionSets: () => main.listPermissionSets(),
  describePermissionSet: (permissionSetArn) => main.describePermissionSet(permissionSetArn),
  listAccountAssignments: (accountId, options) => main.listAccountAssignments(accountId, options),
  listAccountAssignmentsForPrincipal: (principalType, principalId) =>
    (reader ?? main).listAccountAssignmentsForPrincipal(principalType, principalId),
  createAccountAssignment: (assignment) => main.createAccountAssignment(assignment),
  deleteAccountAssignment: (assignment) => main.deleteAccountAssignment(assignment),
});
