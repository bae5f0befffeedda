import { stripVTControlCharacters } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsServices, CliContext, OutputStream } from '../../../cli/context.js';
import { main } from '../../../cli/main.js';

/** An output stream that keeps what is written, optionally claiming to be a terminal. */
export class CapturedStream implements OutputStream {
  #text = '';
  constructor(readonly isTTY = false) {}
  write(text: string): boolean {
    this.#text += text;
    return true;
  }
  get text(): string {
    return this.#text;
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** AWS services that fail loudly: a test that reaches AWS without meaning to must not pass. */
export const unreachableAws: AwsServices = {
  exportLive: () => Promise.reject(new Error('this test does not expect a live export')),
  ssm: () => Promise.reject(new Error('this test does not expect SSM calls')),
  runs: () => {
    throw new Error('this test does not expect run store calls');
  },
  putEvent: () => Promise.reject(new Error('this test does not expect EventBridge calls')),
};

/** A real SSM client with fixed credentials, for aws-sdk-client-mock to intercept. */
export const offlineSsmClient = (): SSMClient =>
  new SSMClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });

/** Runs the CLI in-process with captured output and no colour unless the env asks for it. */
export const runCli = async (argv: readonly string[], context: Partial<CliContext> = {}): Promise<CliRun> => {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await main(argv, { stdout, stderr, env: {}, aws: unreachableAws, ...context });
  return { code, stdout: stdout.text, stderr: stderr.text };
};

/** Removes ANSI colour codes. */
export const stripAnsi = (text: string): string => stripVTControlCharacters(text);
