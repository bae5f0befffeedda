import { parseSnapshot } from '../../shared/domain/snapshot.js';
import type { SnapshotOptions } from '../commands/snapshot.js';
import type { CommandContext } from '../context.js';
import { EXIT_OK } from '../errors.js';
import { formatSnapshot, writeOutputFile } from '../files.js';

/** Exports the live organization (read-only) into the snapshot format; progress goes to stderr. */
export const snapshotCommandAction = async (ctx: CommandContext, options: SnapshotOptions): Promise<number> => {
  const exported = await ctx.aws.exportLive(
    {
      region: options.region,
      endpoint: options.endpointUrl,
      instanceArn: options.instanceArn,
      identityStoreId: options.identityStoreId,
      managementAccountId: options.managementAccountId,
    },
    (message) => ctx.stderr.write(`${ctx.err.dim(message)}\n`),
  );
  // Checking the export the way `plan` will read it catches an inconsistent organization read
  // (an assignment of a permission set deleted mid-export) before the file is trusted.
  const snapshot = parseSnapshot(exported, 'export');
  await writeOutputFile(ctx, options.out, formatSnapshot(snapshot));
  ctx.stderr.write(
    `${ctx.err.green(
      `wrote ${options.out}: ${snapshot.organizationalUnits.length} OUs, ${snapshot.accounts.length} accounts, ` +
        `${snapshot.permissionSets.length} permission sets, ${snapshot.groups.length} groups, ${snapshot.users.length} users, ` +
        `${snapshot.groupMemberships.length} memberships, ${snapshot.assignments.length} assignments`,
    )}\n`,
  );
  return EXIT_OK;
};
