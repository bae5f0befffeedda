import { Command, Option } from '@commander-js/extra-typings';
import { addAwsOptions, type CliCommand, examplesHelp, type OptionsOf } from '../command.js';

/** The stack's run table and bus names (infra/constructs/run-store.ts, infra/stacks/main-stack.ts). */
export const DEFAULT_RUN_TABLE = 'idc-lifecycle-runs';
export const DEFAULT_EVENT_BUS = 'idc-lifecycle';

const define = () =>
  addAwsOptions(
    new Command('runs')
      .description('list recent runs with their status and counts, or show one run with its held changes')
      .argument('[runId]', 'show this run in full (JSON)')
      .option('--table <name>', 'the run table of the deployed stack', DEFAULT_RUN_TABLE)
      .option('--limit <n>', 'how many runs to list, newest first', '20')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json'] as const).default('table')),
  ).addHelpText(
    'after',
    examplesHelp([
      { does: 'the twenty most recent runs, newest first', command: 'idc-lifecycle runs --region eu-west-1' },
      {
        does: 'one run in full, with every change its guard holds',
        command: 'idc-lifecycle runs schedule-3f2a1c9e --region eu-west-1',
      },
    ]),
  );

export type RunsOptions = OptionsOf<ReturnType<typeof define>>;

export const runsCommand: CliCommand = (run) =>
  define().action((runId, options) =>
    run(async (ctx) => {
      const { runsCommandAction } = await import('../actions/runs.js');
      return runsCommandAction(ctx, runId, options);
    }),
  );
