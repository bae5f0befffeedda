import { loadConfig } from '../../shared/runtime/config.js';
import { composeWorker, createWorkerClients } from './compose.js';

// Everything the worker is made of lives in compose.ts, which simulate, the demo, the benchmarks
// and the resilience suite call too: this file only reads the environment.
const config = loadConfig('worker');
const worker = await composeWorker(createWorkerClients(config), config);

export const handler = worker.lambdaHandler;
