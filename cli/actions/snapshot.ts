import type { SnapshotOptions } from '../commands/snapshot.js';
import type { CommandContext } from '../context.js';
import { EXIT_OK } from '../errors.js';
import { formatSnapshot, writeOutputFile } from '../files.js';
import { exportLiveSnapshot } from '../live-snapshot.js';

/** Exports the live organization (read-only) into the snapshot format; progress goes to stderr. */
export const snapshotCommandAction = async (ctx: CommandContext, options: SnapshotOptions): Promise<number> => {
  const snapshot = await exportLiveSnapshot(ctx, options);
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
