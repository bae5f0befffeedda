import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AwsServices } from '../../cli/context.js';
import { runCli, unreachableAws } from './support/run-cli.js';

const failingExport = (error: Error): AwsServices => ({ ...unreachableAws, exportLive: () => Promise.reject(error) });

describe('idc-lifecycle main', () => {
  it('lists every verb in --help and exits 0', async () => {
    // Act
    const run = await runCli(['--help']);

    // Assess
    expect(run.code).toBe(0);
    for (const verb of ['validate', 'schema', 'plan', 'snapshot', 'publish', 'emulator']) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}${verb}\\b`, 'm'));
    }
  });

  it.each(['validate', 'schema', 'plan', 'simulate', 'snapshot', 'publish', 'emulator', 'demo'])(
    'ends the help of %s with examples of its own command line',
    async (verb) => {
      // Act
      const run = await runCli([verb, '--help']);

      // Assess
      expect(run.code).toBe(0);
      const examples = run.stdout.split('\nExamples:\n')[1];
      expect(examples).toBeDefined();
      expect(examples).toMatch(new RegExp(`^ {2}# .+\n {2}\\$ (\\S+=\\S+ )?idc-lifecycle ${verb}\\b`, 'm'));
    },
  );

  it('prints the version of package.json with --version', async () => {
    // Prepare
    const pkg: unknown = JSON.parse(readFileSync(resolve('package.json'), 'utf8'));

    // Act
    const run = await runCli(['--version']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${(pkg as { version: string }).version}\n`);
  });

  it.each([
    ['an unknown verb', ['deploy']],
    ['an unknown option', ['validate', '--strict', 'x.yaml']],
    ['no verb at all', []],
    ['a bad --format', ['plan', '--rules', 'a.yaml', '--snapshot', 's.json', '--format', 'yaml']],
    ['a bad --port', ['emulator', '--snapshot', 's.json', '--port', 'http']],
  ])('exits 2 for %s', async (_, argv) => {
    // Act
    const run = await runCli(argv);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
  });

  it('prints an unexpected error as one line without a stack trace', async () => {
    // Prepare
    const error = Object.assign(new Error('Rate exceeded', { cause: new Error('socket hang up') }), {
      name: 'ThrottlingException',
    });

    // Act
    const run = await runCli(['snapshot', '--out', 'x.json'], { aws: failingExport(error) });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: ThrottlingException: Rate exceeded\n  (run with --debug for the cause)\n');
  });

  it.each([
    ['before the verb', ['--debug', 'snapshot', '--out', 'x.json']],
    ['after the verb', ['snapshot', '--out', 'x.json', '--debug']],
  ])('adds the cause chain with --debug %s', async (_, argv) => {
    // Prepare
    const root = new Error('socket hang up');
    const error = new Error('Rate exceeded', { cause: new Error('retries exhausted', { cause: root }) });

    // Act
    const run = await runCli(argv, { aws: failingExport(error) });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: Rate exceeded\n {2}caused by Error: retries exhausted\n {2}caused by Error: socket hang up\n/,
    );
  });
});
