/**
 * Expected CLI failures. `main` prints their message without a stack trace and exits with their
 * code; anything else is unexpected and also prints as `error: …`, with details under `--debug`.
 */

export const EXIT_OK = 0;
/** Invalid input (rules, snapshot), rule errors in a plan, or a failed AWS call. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong: unknown option, missing argument, unreadable file. */
export const EXIT_USAGE = 2;

export class CliUsageError extends Error {
  readonly exitCode = EXIT_USAGE;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliUsageError';
  }
}

export class CliError extends Error {
  readonly exitCode: number = EXIT_FAILURE;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The messages of `error.cause`, `error.cause.cause`, … for `--debug`. */
export const causeChain = (error: unknown): string[] => {
  const chain: string[] = [];
  let current: unknown = error instanceof Error ? error.cause : undefined;
  while (current !== undefined && chain.length < 10) {
    chain.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
};
