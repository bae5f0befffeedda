import { loadConfig } from '../../shared/runtime/config.js';
import { composeFanout, createFanoutClients } from './compose.js';

// Everything the fan-out is made of lives in compose.ts, which simulate, the demo, the benchmarks
// and the resilience suite call too: this file only reads the environment.
const config = loadConfig('fanout');
const fanout = await composeFanout(createFanoutClients(config), config);

export const handler = fanout.lambdaHandler;
