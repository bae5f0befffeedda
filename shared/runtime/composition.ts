import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Sleep } from '../adapters/backoff.js';
import type { ClockPort } from '../domain/ports.js';
import { type HandlerLogger, logger } from './logger.js';
import { type MetricsRecorder, metrics } from './metrics.js';

/**
 * Where a function's SDK clients connect when not to AWS by the SDK's own chain: the emulator's
 * endpoint and dummy credentials, for simulate, the demo, the benchmarks and the tests.
 */
export interface Connection {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity;
}

/**
 * What a local caller may change in a composition: time only. A caller that runs the emulator
 * faster than the wall clock passes a clock and a sleep in that time, so that every pause of the
 * function (adapter backoff, status polls, the SDK's retries) keeps its proportion to the
 * emulated latency. Everything else is the deployed function's.
 */
export interface TimeOverrides {
  readonly clock?: ClockPort;
  readonly sleep?: Sleep;
}

/** Where a function's logs and metrics go: Powertools in Lambda, recorders in tests and benchmarks. */
export interface Telemetry {
  readonly logger: HandlerLogger;
  readonly metrics: MetricsRecorder;
}

export const lambdaTelemetry: Telemetry = { logger, metrics };

export const systemClock: ClockPort = { now: () => Date.now() };

/** The client settings of one composition: the connection, the config's Region unless it names one. */
export const clientOptions = (connection: Connection, idcRegion: string | undefined) => {
  const region = connection.region ?? idcRegion;
  return {
    ...(region === undefined ? {} : { region }),
    ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    ...(connection.credentials === undefined ? {} : { credentials: connection.credentials }),
  };
};
