import {
  type Command,
  type CommandUnknownOpts,
  InvalidArgumentError,
  Option,
  type OptionValues,
} from '@commander-js/extra-typings';
import type { CommandContext } from './context.js';

/** Runs one command's body with the context; `main` catches what it throws and sets the exit code. */
export type RunCommand = (action: (ctx: CommandContext) => Promise<number>) => Promise<void>;

/**
 * One CLI verb: builds its commander definition (options, help, examples) and attaches an action
 * that loads the verb's body from `cli/actions/` only when it runs, so that `--help`, `--version`
 * and every other verb do not pay for its imports. `cli/commands/index.ts` lists them.
 */
export type CliCommand = (run: RunCommand) => CommandUnknownOpts;

/**
 * The options object a definition yields, as commander will pass it to the action: each
 * `cli/actions/` body takes exactly this type, so an option renamed in the definition is a type
 * error in the body.
 */
export type OptionsOf<C> = C extends Command<unknown[], infer O extends OptionValues, OptionValues> ? O : never;

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

/** Where rules documents live in SSM unless told otherwise (docs/design.md §3). */
export const DEFAULT_RULES_PATH = '/idc-lifecycle/rules/';

/** Options shared by every command that talks to AWS. */
export const addAwsOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) =>
  command
    .option('--region <region>', 'AWS Region (default: from the environment or profile)')
    .option(
      '--endpoint-url <url>',
      'send every AWS call to this endpoint, e.g. the local emulator (default: AWS_ENDPOINT_URL or AWS)',
    );

/**
 * Where a read-only command takes the organization from: `--snapshot <file>` or `--live`, exactly
 * one (the action checks that one is given). `use` finishes both descriptions: `'plan against'`
 * reads "organization snapshot to plan against" and "export the live organization (read-only) and
 * plan against it".
 */
export const addOrganizationSourceOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
  use: string,
) =>
  command
    .addOption(new Option('--snapshot <file>', `organization snapshot to ${use}`).conflicts('live'))
    .addOption(new Option('--live', `export the live organization (read-only) and ${use} it`));

/**
 * Options shared by every command that reads the live organization: where its Identity Center
 * instance and management account are (each discovered unless given), then the AWS options.
 * `when` prefixes their descriptions for a command that reads it only with `--live`.
 */
export const addLiveOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
  when: 'with --live: ' | '' = '',
) =>
  addAwsOptions(
    command
      .option('--instance-arn <arn>', `${when}Identity Center instance (default: discovered)`)
      .option('--identity-store-id <id>', `${when}identity store (default: discovered)`)
      .option(
        '--management-account-id <id>',
        `${when}management account (default: DescribeOrganization)`,
        parseAccountId,
      ),
  );

/** One example of a command line and what it does, for the `Examples:` section of a verb's help. */
export interface Example {
  readonly command: string;
  readonly does: string;
}

/**
 * The `Examples:` section of a verb's help: each line as typed, under what it does. The paths are
 * those of a clone of the repository (`examples/`), which the package also ships.
 */
export const examplesHelp = (examples: readonly Example[]): string =>
  `\nExamples:\n${examples.map((e) => `  # ${e.does}\n  $ ${e.command}`).join('\n\n')}\n`;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 time with a time zone (`2026-03-01T09:00:00Z`), as epoch milliseconds. */
export const parseInstant = (value: string): number => {
  const ms = Date.parse(value);
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(ms)) {
    throw new InvalidArgumentError('expected an ISO 8601 time with a time zone, e.g. 2026-03-01T09:00:00Z');
  }
  return ms;
};

/** The time a command evaluates time-bound rules at: `--at` when given, otherwise now. */
export const evaluationTime = (ctx: { readonly now?: () => number }, at: number | undefined): number =>
  at ?? (ctx.now ?? Date.now)();
