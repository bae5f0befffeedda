import { Command, CommanderError } from '@commander-js/extra-typings';
import { defaultAwsServices } from './aws-services.js';
import type { RunCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { type CliContext, type CommandContext, colorsFor } from './context.js';
import { CliError, CliUsageError, causeChain, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './errors.js';
import { packageVersion } from './package-root.js';

const reportError = (ctx: CommandContext, error: unknown): number => {
  const expected = error instanceof CliError || error instanceof CliUsageError;
  // An AWS error's name (AccessDeniedException, ThrottlingException) is often the useful part.
  const named = !expected && error instanceof Error && error.name !== 'Error' && !error.message.includes(error.name);
  const message = error instanceof Error ? `${named ? `${error.name}: ` : ''}${error.message}` : String(error);
  ctx.stderr.write(`${ctx.err.red(`error: ${message}`)}\n`);
  if (ctx.debug) {
    for (const cause of causeChain(error)) ctx.stderr.write(`${ctx.err.dim(`  caused by ${cause}`)}\n`);
    if (!expected && error instanceof Error && error.stack) ctx.stderr.write(`${ctx.err.dim(error.stack)}\n`);
  } else if (!expected && causeChain(error).length > 0) {
    ctx.stderr.write(`${ctx.err.dim('  (run with --debug for the cause)')}\n`);
  }
  if (error instanceof CliUsageError) return EXIT_USAGE;
  if (error instanceof CliError) return error.exitCode;
  return EXIT_FAILURE;
};

/**
 * The `idc-lifecycle` command line. Returns the exit code instead of exiting, and writes only to
 * the streams in `context`, so that tests run it in-process.
 *
 * Exit codes: 0 success; 1 invalid rules or snapshot, rule errors in a plan, or a failed call;
 * 2 usage errors (unknown option, missing argument, unreadable file).
 *
 * @example
 * const code = await main(['validate', 'examples/rules/settings.yaml']);
 */
export const main = async (argv: readonly string[], context: Partial<CliContext> = {}): Promise<number> => {
  const base: CliContext = {
    stdout: context.stdout ?? process.stdout,
    stderr: context.stderr ?? process.stderr,
    env: context.env ?? process.env,
    cwd: context.cwd ?? process.cwd(),
    aws: context.aws ?? defaultAwsServices,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
    ...(context.now === undefined ? {} : { now: context.now }),
  };
  let debug = false;
  const commandContext = (): CommandContext => ({
    ...base,
    out: colorsFor(base.stdout, base.env),
    err: colorsFor(base.stderr, base.env),
    debug,
  });

  let exitCode = EXIT_OK;
  const program = new Command('idc-lifecycle')
    .description('IAM Identity Center lifecycle automation: validate, plan and publish assignment rules')
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'on errors, also print the cause chain')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => base.stdout.write(text),
      writeErr: (text) => base.stderr.write(text),
      outputError: (text, write) => write(colorsFor(base.stderr, base.env).red(text)),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 success; 1 invalid rules or snapshot, rule errors in a plan, or a failed AWS call;\n' +
        '2 usage error (unknown option, missing argument, file not found). Docs: docs/cli.md',
    );

  const run: RunCommand = async (action) => {
    debug = program.opts().debug === true;
    try {
      exitCode = await action(commandContext());
    } catch (error) {
      exitCode = reportError(commandContext(), error);
    }
  };
  // addCommand, unlike program.command(), does not pass on exitOverride and the output settings.
  for (const command of COMMANDS) program.addCommand(command(run).copyInheritedSettings(program));

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version requested explicitly succeed; everything else commander rejects is usage.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    return reportError(commandContext(), error);
  }
  return exitCode;
};
