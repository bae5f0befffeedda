import { loadConfig } from '../../shared/runtime/config.js';
import { composeIntake, createIntakeClients } from './compose.js';

// Everything the intake is made of lives in compose.ts, which simulate, the demo, the benchmarks
// and the resilience suite call too: this file only reads the environment.
const config = loadConfig('intake');

export const { lambdaHandler: handler } = composeIntake(createIntakeClients(), config);
