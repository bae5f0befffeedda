import { Command, Option } from '@commander-js/extra-typings';
import {
  addLiveOptions,
  addOrganizationSourceOptions,
  type CliCommand,
  examplesHelp,
  type OptionsOf,
  parseAccountId,
  parseInstant,
} from '../command.js';

const define = () =>
  addLiveOptions(
    addOrganizationSourceOptions(
      new Command('explain')
        .description(
          'explain access: every assignment of a user (directly or through its groups), a group or an account, and the rules that want it',
        )
        .requiredOption('--rules <files...>', 'rules documents (YAML or JSON), merged into one rule set'),
      'explain against',
    )
      .option('--user <userName>', 'explain this user (Identity Store UserName)')
      .option('--group <displayName>', 'explain this group (Identity Store DisplayName)')
      .option('--account <id>', 'explain every assignment on this account', parseAccountId)
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json'] as const).default('table'))
      .option(
        '--at <time>',
        'explain as of this moment for time-bound rules (ISO 8601 with a time zone; default: now)',
        parseInstant,
      ),
    'with --live: ',
  ).addHelpText(
    'after',
    examplesHelp([
      {
        does: 'why alice has what she has: directly and through each of her groups, with the rules',
        command:
          'idc-lifecycle explain --rules examples/rules/*.yaml --snapshot examples/snapshot.json --user alice@example.com',
      },
      {
        does: 'every assignment on one account, as JSON for an audit report',
        command:
          'idc-lifecycle explain --rules examples/rules/*.yaml --snapshot examples/snapshot.json --account 444455550001 --format json',
      },
    ]),
  );

export type ExplainOptions = OptionsOf<ReturnType<typeof define>>;

export const explainCommand: CliCommand = (run) =>
  define().action((options) =>
    run(async (ctx) => {
      const { explainCommandAction } = await import('../actions/explain.js');
      return explainCommandAction(ctx, options);
    }),
  );
