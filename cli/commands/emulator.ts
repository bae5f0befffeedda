import { Command } from '@commander-js/extra-typings';
import {
  type CliCommand,
  DEFAULT_RULES_PATH,
  examplesHelp,
  type OptionsOf,
  parseNonNegativeNumber,
  parsePort,
  parsePositiveNumber,
} from '../command.js';

const define = () =>
  new Command('emulator')
    .description('run the local AWS emulator (Organizations, Identity Store, SSO Admin, SSM) seeded from a snapshot')
    .requiredOption('--snapshot <file>', 'organization snapshot to seed the emulator with')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 4566)
    .option(
      '--latency-ms <n>',
      'emulated latency of one assignment create or delete (default 1000)',
      parseNonNegativeNumber,
    )
    .option(
      '--time-scale <n>',
      'run emulated time this many times faster than wall time (default 1)',
      parsePositiveNumber,
    )
    .option('--rules <files...>', 'rules files to seed as SSM parameters (validated together first)')
    .option('--rules-path <path>', 'SSM path to seed the rules files under', DEFAULT_RULES_PATH)
    .addHelpText(
      'after',
      examplesHelp([
        {
          does: 'serve the example organization and rules on port 4566 until Ctrl+C',
          command: 'idc-lifecycle emulator --snapshot examples/snapshot.json --rules examples/rules/*.yaml --port 4566',
        },
        {
          does: 'the same with faster emulated time, on a free port (printed at start)',
          command: 'idc-lifecycle emulator --snapshot examples/snapshot.json --port 0 --time-scale 100',
        },
      ]),
    );

export type EmulatorOptions = OptionsOf<ReturnType<typeof define>>;

export const emulatorCommand: CliCommand = (run) =>
  define().action((options) =>
    run(async (ctx) => {
      const { emulator } = await import('../actions/emulator.js');
      return emulator(ctx, options);
    }),
  );
