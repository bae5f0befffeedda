import { Command } from '@commander-js/extra-typings';
import { type CliCommand, examplesHelp } from '../command.js';

export const validateCommand: CliCommand = (run) =>
  new Command('validate')
    .description('validate rules files (YAML or JSON) as one rule set')
    .argument('<files...>', 'rules documents')
    .addHelpText(
      'after',
      examplesHelp([
        {
          does: 'check every rules document together, as the worker merges them',
          command: 'idc-lifecycle validate examples/rules/*.yaml',
        },
        {
          does: 'in CI: exit 1 and one line per problem (file:line: path: reason)',
          command: 'idc-lifecycle validate rules/*.yaml || exit 1',
        },
      ]),
    )
    .action((files) =>
      run(async (ctx) => {
        const { validate } = await import('../actions/validate.js');
        return validate(ctx, files);
      }),
    );
