import { Command } from '@commander-js/extra-typings';
import { addAwsOptions, type CliCommand, examplesHelp, type OptionsOf } from '../command.js';
import { DEFAULT_EVENT_BUS, DEFAULT_RUN_TABLE } from './runs.js';

const define = () =>
  addAwsOptions(
    new Command('approve')
      .description('release the revocations a blocked run holds (each is re-checked live first)')
      .argument('<runId>', 'the blocked run, as `runs` lists it')
      .requiredOption('--by <who>', 'who approves, recorded with the approval run')
      .option('--table <name>', 'the run table of the deployed stack', DEFAULT_RUN_TABLE)
      .option('--event-bus <name>', 'the lifecycle event bus of the deployed stack', DEFAULT_EVENT_BUS),
  ).addHelpText(
    'after',
    examplesHelp([
      {
        does: 'release what the guard of a run holds, with the approver permission of the stack',
        command: 'idc-lifecycle approve schedule-3f2a1c9e --by jane@example.com --region eu-west-1',
      },
    ]),
  );

export type ApproveOptions = OptionsOf<ReturnType<typeof define>>;

export const approveCommand: CliCommand = (run) =>
  define().action((runId, options) =>
    run(async (ctx) => {
      const { approveCommandAction } = await import('../actions/approve.js');
      return approveCommandAction(ctx, runId, options);
    }),
  );
