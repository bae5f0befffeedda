import { rulesJsonSchema } from '../../shared/domain/rules/json-schema.js';
import type { CliCommand } from '../command.js';
import type { CommandContext } from '../context.js';
import { EXIT_OK } from '../errors.js';
import { writeOutputFile } from '../files.js';

export const schema = async (ctx: CommandContext, options: { readonly out?: string }): Promise<number> => {
  const text = `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`;
  if (options.out === undefined) {
    ctx.stdout.write(text);
  } else {
    await writeOutputFile(ctx, options.out, text);
    ctx.stderr.write(`wrote the rules JSON Schema to ${options.out}\n`);
  }
  return EXIT_OK;
};

export const schemaCommand: CliCommand = {
  name: 'schema',
  register(program, run) {
    program
      .command('schema')
      .description('print the JSON Schema of rules documents (for editor completion)')
      .option('--out <file>', 'write it to a file instead of stdout')
      .action((options: { out?: string }) => run((ctx) => schema(ctx, options)));
  },
};
