import { Command } from '@commander-js/extra-typings';
import { type CliCommand, examplesHelp, type OptionsOf } from '../command.js';

const define = () =>
  new Command('schema')
    .description('print the JSON Schema of rules documents (for editor completion)')
    .option('--out <file>', 'write it to a file instead of stdout')
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'print the schema', command: 'idc-lifecycle schema' },
        {
          does: 'write it where a "yaml-language-server: $schema=" comment can point',
          command: 'idc-lifecycle schema --out rules.schema.json',
        },
      ]),
    );

export type SchemaOptions = OptionsOf<ReturnType<typeof define>>;

export const schemaCommand: CliCommand = (run) =>
  define().action((options) =>
    run(async (ctx) => {
      const { schema } = await import('../actions/schema.js');
      return schema(ctx, options);
    }),
  );
