import { Command } from '@commander-js/extra-typings';
import {
  addLiveOptions,
  addOrganizationSourceOptions,
  type CliCommand,
  collect,
  examplesHelp,
  type OptionsOf,
  parseAccountId,
} from '../command.js';

const define = () =>
  addLiveOptions(
    addOrganizationSourceOptions(
      new Command('import')
        .description("adopt an existing organization: write draft rules that reproduce today's assignments")
        .requiredOption('--out <dir>', 'directory for the rules documents (settings.yaml, adopted-NN.yaml)'),
      'import from',
    )
      .option('--permission-set <name>', 'adopt only this permission set (repeatable; default: all)', collect)
      .option('--exclude-permission-set <name>', 'never adopt this permission set (repeatable)', collect)
      .option('--protect-group <displayName>', 'write this group into settings.protected (repeatable)', collect)
      .option('--protect-user <userName>', 'write this user into settings.protected (repeatable)', collect)
      .option(
        '--protect-account <id>',
        'write this account into settings.protected (repeatable)',
        (v: string, prev?: string[]) => collect(parseAccountId(v), prev),
      )
      .option('--force', 'replace an earlier import in --out'),
    'with --live: ',
  ).addHelpText(
    'after',
    examplesHelp([
      {
        does: 'draft rules for the example organization, leaving the break-glass access alone',
        command:
          'idc-lifecycle import --snapshot examples/snapshot.json --out adopted --exclude-permission-set BreakGlassAdmin --protect-group BreakGlass',
      },
      {
        does: 'adopt one permission set of the live organization (read-only)',
        command: 'AWS_PROFILE=identity-admin idc-lifecycle import --live --out adopted --permission-set ReadOnlyAccess',
      },
    ]),
  );

export type ImportCommandOptions = OptionsOf<ReturnType<typeof define>>;

export const importCommand: CliCommand = (run) =>
  define().action((options) =>
    run(async (ctx) => {
      const { importCommandAction } = await import('../actions/import.js');
      return importCommandAction(ctx, options);
    }),
  );
