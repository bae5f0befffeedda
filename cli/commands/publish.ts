import { Command } from '@commander-js/extra-typings';
import { addAwsOptions, type CliCommand, DEFAULT_RULES_PATH, examplesHelp, type OptionsOf } from '../command.js';

const define = () =>
  addAwsOptions(
    new Command('publish')
      .description('validate rules files and write them to SSM Parameter Store, one parameter per file')
      .argument('<files...>', 'rules documents; each becomes <path><file name without extension>')
      .option('--path <path>', 'parameter path the worker loads', DEFAULT_RULES_PATH)
      .option('--dry-run', 'validate and show what would change, write nothing'),
  ).addHelpText(
    'after',
    examplesHelp([
      {
        does: 'see what would be written, and whether the result is valid with what is already there',
        command: 'idc-lifecycle publish --dry-run rules/*.yaml',
      },
      {
        does: 'write the documents under the default path /idc-lifecycle/rules/',
        command: 'AWS_PROFILE=identity-admin idc-lifecycle publish --region eu-west-1 rules/*.yaml',
      },
    ]),
  );

export type PublishOptions = OptionsOf<ReturnType<typeof define>>;

export const publishCommand: CliCommand = (run) =>
  define().action((files, options) =>
    run(async (ctx) => {
      const { publish } = await import('../actions/publish.js');
      return publish(ctx, files, options);
    }),
  );
