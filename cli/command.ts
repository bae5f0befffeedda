import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from './context.js';

/** Runs one command's body with the context; `main` catches what it throws and sets the exit code. */
export type RunCommand = (action: (ctx: CommandContext) => Promise<number>) => Promise<void>;

/**
 * One CLI verb. `cli/commands/index.ts` lists them; a new verb is one file plus one line there.
 */
export interface CliCommand {
  readonly name: string;
  register(program: Command, run: RunCommand): void;
}

/** Commander collector for a repeatable option (`--account a --account b`). */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export const parseNonNegativeNumber = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
};

export const parsePositiveNumber = (value: string): number => {
  const n = parseNonNegativeNumber(value);
  if (n === 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
};

export const parsePort = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return n;
};

export const parseAccountId = (value: string): string => {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('an account id is 12 digits');
  return value;
};

/** Options shared by every command that talks to AWS. */
export const addAwsOptions = (command: Command): Command =>
  command
    .option('--region <region>', 'AWS Region (default: from the environment or profile)')
    .option(
      '--endpoint-url <url>',
      'send every AWS call to this endpoint, e.g. the local emulator (default: AWS_ENDPOINT_URL or AWS)',
    );
