import { Command } from '@commander-js/extra-typings';
import { type CliCommand, examplesHelp } from '../command.js';

export const demoCommand: CliCommand = (run) =>
  new Command('demo')
    .description('tell the story of an account and two people through the real code and the local emulator (npm start)')
    .addHelpText(
      'after',
      examplesHelp([
        {
          does: 'ten lifecycle events against the example organization, told step by step',
          command: 'idc-lifecycle demo',
        },
      ]),
    )
    .action(() =>
      run(async (ctx) => {
        const { demo } = await import('../actions/demo.js');
        return demo(ctx);
      }),
    );
