import { rulesJsonSchema } from '../../shared/domain/rules/json-schema.js';
import type { SchemaOptions } from '../commands/schema.js';
import type { CommandContext } from '../context.js';
import { EXIT_OK } from '../errors.js';
import { writeOutputFile } from '../files.js';

export const schema = async (ctx: CommandContext, options: SchemaOptions): Promise<number> => {
  const text = `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`;
  if (options.out === undefined) {
    ctx.stdout.write(text);
  } else {
    await writeOutputFile(ctx, options.out, text);
    ctx.stderr.write(`wrote the rules JSON Schema to ${options.out}\n`);
  }
  return EXIT_OK;
};
