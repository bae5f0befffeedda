import { Command } from '@commander-js/extra-typings';
import { addLiveOptions, type CliCommand, examplesHelp, type OptionsOf } from '../command.js';

const define = () =>
  addLiveOptions(
    new Command('snapshot')
      .description('export the live organization and Identity Center (read-only) into a snapshot file')
      .requiredOption('--out <file>', 'where to write the snapshot (JSON)'),
  ).addHelpText(
    'after',
    examplesHelp([
      {
        does: 'export the organization, in the Identity Center home Region',
        command: 'AWS_PROFILE=identity-admin idc-lifecycle snapshot --out org.json --region eu-west-1',
      },
      {
        does: 'export what the local emulator holds (see `idc-lifecycle emulator`)',
        command: 'idc-lifecycle snapshot --out org.json --endpoint-url http://127.0.0.1:4566',
      },
    ]),
  );

export type SnapshotOptions = OptionsOf<ReturnType<typeof define>>;

export const snapshotCommand: CliCommand = (run) =>
  define().action((options) =>
    run(async (ctx) => {
      const { snapshotCommandAction } = await import('../actions/snapshot.js');
      return snapshotCommandAction(ctx, options);
    }),
  );
