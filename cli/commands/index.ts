import type { CliCommand } from '../command.js';
import { approveCommand } from './approve.js';
import { demoCommand } from './demo.js';
import { emulatorCommand } from './emulator.js';
import { explainCommand } from './explain.js';
import { importCommand } from './import.js';
import { planCommand } from './plan.js';
import { publishCommand } from './publish.js';
import { runsCommand } from './runs.js';
import { schemaCommand } from './schema.js';
import { simulateCommand } from './simulate.js';
import { snapshotCommand } from './snapshot.js';
import { validateCommand } from './validate.js';

/**
 * Every verb, in the order `--help` lists them. A new verb is a definition here (light: commander
 * only) and a body in `cli/actions/` (loaded when the verb runs), plus one line in this list.
 */
export const COMMANDS: readonly CliCommand[] = [
  validateCommand,
  schemaCommand,
  planCommand,
  explainCommand,
  importCommand,
  simulateCommand,
  snapshotCommand,
  publishCommand,
  runsCommand,
  approveCommand,
  emulatorCommand,
  demoCommand,
];
