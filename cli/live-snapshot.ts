import { assertIsError } from '../shared/domain/errors.js';
import { parseSnapshot, type Snapshot, SnapshotError } from '../shared/domain/snapshot.js';
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** The options of `plan --live` and `snapshot` that say where and what to read. */
export interface LiveCommandOptions {
  readonly region?: string | undefined;
  readonly endpointUrl?: string | undefined;
  readonly instanceArn?: string | undefined;
  readonly identityStoreId?: string | undefined;
  readonly managementAccountId?: string | undefined;
}

/**
 * Exports the live organization (read-only, progress on stderr) and validates the export exactly
 * as a snapshot file is validated: `snapshot` writes only what `plan --snapshot` will read back,
 * and `plan --live` plans only on an export that `snapshot` would have written. An inconsistent
 * read (an assignment of a permission set deleted mid-export, a duplicate) stops both alike.
 */
export const exportLiveSnapshot = async (ctx: CommandContext, options: LiveCommandOptions): Promise<Snapshot> => {
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
  try {
    return parseSnapshot(exported, 'export');
  } catch (error) {
    assertIsError(error);
    if (error instanceof SnapshotError) throw new CliError(error.message, { cause: error });
    throw error;
  }
};
