import type { SSMClient } from '@aws-sdk/client-ssm';
import pc from 'picocolors';
import type { RunStorePort } from '../shared/domain/ports.js';
import type { Snapshot } from '../shared/domain/snapshot.js';

/** Where the CLI writes. Tests pass string collectors; the binary passes the process streams. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** How to reach AWS (or the emulator). Options left undefined fall back to the SDK's own resolution. */
export interface AwsTarget {
  readonly region?: string;
  readonly endpoint?: string;
}

export interface LiveExportOptions extends AwsTarget {
  readonly instanceArn?: string;
  readonly identityStoreId?: string;
  readonly managementAccountId?: string;
}

/**
 * The AWS side effects of the CLI. The defaults build SDK clients the ordinary way; tests replace
 * them with fakes or point them at the emulator.
 */
export interface AwsServices {
  exportLive(options: LiveExportOptions, onProgress: (message: string) => void): Promise<Snapshot>;
  ssm(target: AwsTarget): Promise<SSMClient>;
  /** The deployed run store, read-only (`runs`, `approve`). */
  runs(target: AwsTarget, tableName: string): Pick<RunStorePort, 'getRun' | 'listRuns'>;
  /** Puts one event on an EventBridge bus (`approve`); resolves to the event id. */
  putEvent(
    target: AwsTarget,
    entry: {
      readonly eventBusName: string;
      readonly source: string;
      readonly detailType: string;
      readonly detail: string;
    },
  ): Promise<string>;
}

export interface CliContext {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly aws: AwsServices;
  /** Stops long-running commands (`emulator`) when aborted; they otherwise run until a signal. */
  readonly signal?: AbortSignal;
  /** The current time in epoch ms, for time-bound rules; tests fix it. Default `Date.now`. */
  readonly now?: () => number;
}

/** What a command receives: the context plus colour helpers for each stream. */
export interface CommandContext extends CliContext {
  readonly out: Colors;
  readonly err: Colors;
  readonly debug: boolean;
}

/**
 * Colour follows the https://no-color.org convention: `NO_COLOR` wins, `FORCE_COLOR` forces it,
 * otherwise only a terminal gets colour so that pipes and files stay plain.
 */
export const colorsFor = (stream: OutputStream, env: CliContext['env']): Colors => {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return pc.createColors(false);
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return pc.createColors(true);
  return pc.createColors(stream.isTTY === true && env.TERM !== 'dumb');
};
