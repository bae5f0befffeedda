import { Command, Option } from '@commander-js/extra-typings';
import {
  addLiveOptions,
  addOrganizationSourceOptions,
  type CliCommand,
  collect,
  examplesHelp,
  type OptionsOf,
  parseAccountId,
  parseInstant,
} from '../command.js';

const define = () =>
  addLiveOptions(
    addOrganizationSourceOptions(
      new Command('plan')
        .description('show what reconciliation would change (read-only), from a snapshot or the live organization')
        .requiredOption('--rules <files...>', 'rules documents (YAML or JSON), merged into one rule set'),
      'plan against',
    )
      .option(
        '--account <id>',
        'only plan this account (repeatable); leaves membership changes out',
        (v: string, prev?: string[]) => collect(parseAccountId(v), prev),
      )
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json'] as const).default('table'))
      .option(
        '--at <time>',
        'plan as of this moment for time-bound rules (ISO 8601 with a time zone; default: now)',
        parseInstant,
      ),
    'with --live: ',
  ).addHelpText(
    'after',
    examplesHelp([
      {
        does: 'what the rules would change in the example organization, grouped by account',
        command: 'idc-lifecycle plan --rules examples/rules/*.yaml --snapshot examples/snapshot.json',
      },
      {
        does: 'one account only, as the plan object of docs/design.md §6',
        command:
          'idc-lifecycle plan --rules examples/rules/*.yaml --snapshot examples/snapshot.json --account 444455550001 --format json',
      },
      {
        does: 'as of the end of a time-bound rule: what its validUntil revokes',
        command: 'idc-lifecycle plan --rules rules/*.yaml --snapshot org.json --at 2026-03-01T17:00:00Z',
      },
      {
        does: 'against the live organization (read-only), with the credentials of a profile',
        command: 'AWS_PROFILE=identity-admin idc-lifecycle plan --rules rules/*.yaml --live',
      },
    ]),
  );

export type PlanOptions = OptionsOf<ReturnType<typeof define>>;

export const planCommand: CliCommand = (run) =>
  define().action((options) =>
    run(async (ctx) => {
      const { planCommandAction } = await import('../actions/plan.js');
      return planCommandAction(ctx, options);
    }),
  );
