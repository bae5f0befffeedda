import { Command, Option } from '@commander-js/extra-typings';
import { type CliCommand, DEFAULT_RULES_PATH, examplesHelp, type OptionsOf } from '../command.js';

const define = () =>
  new Command('simulate')
    .description(
      'run events through the real intake and worker code against the local emulator seeded from a snapshot, and show what changed',
    )
    .requiredOption('--snapshot <file>', 'organization snapshot the emulator starts from')
    .requiredOption('--rules <files...>', 'rules documents in force (YAML or JSON), seeded as SSM parameters')
    .requiredOption(
      '--event <files...>',
      'event files: an EventBridge event, a bare CloudTrail record, or an array of them',
    )
    .option(
      '--rules-update <files...>',
      'rules documents published to SSM before the events (not validated: the worker rejects invalid ones)',
    )
    .option('--rules-path <path>', 'SSM path of the rules documents', DEFAULT_RULES_PATH)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json'] as const).default('table'))
    .addHelpText(
      'after',
      examplesHelp([
        {
          does: 'an account moves into /Workloads/Prod, then a user is disabled',
          command:
            'idc-lifecycle simulate --snapshot examples/snapshot.json --rules examples/rules/*.yaml --event examples/events/02-move-account.json examples/events/05-disable-user.json',
        },
        {
          does: 'publish new rules, then deliver the SSM change that fans them out; totals as JSON',
          command:
            'idc-lifecycle simulate --snapshot examples/snapshot.json --rules examples/rules/*.yaml --rules-update new/workloads.yaml --event examples/events/06-rules-changed.json --format json',
        },
      ]),
    );

export type SimulateOptions = OptionsOf<ReturnType<typeof define>>;

export const simulateCommand: CliCommand = (run) =>
  define().action((options) =>
    run(async (ctx) => {
      const { simulate } = await import('../actions/simulate.js');
      return simulate(ctx, options);
    }),
  );
