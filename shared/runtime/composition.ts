import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { realSleep, type Sleep } from '../adapters/backoff.js';
import { createRequestRate, type RequestRate } from '../adapters/request-rate.js';
import { sleepingStandardRetry } from '../adapters/sleeping-retry.js';
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

type Send<C extends { send: unknown }> = Pick<C, 'send'>;

/**
 * Every SDK client a function may call, as compositions take them: anything with the client's
 * `send` will do, so that a local caller can stand in for a service the emulator does not speak.
 */
export interface FunctionClients {
  readonly organizations: Send<OrganizationsClient>;
  readonly identityStore: Send<IdentitystoreClient>;
  readonly ssoAdmin: Send<SSOAdminClient>;
  /** Assignment writes, without the SDK's retry: the adapter retries them itself. */
  readonly ssoAdminWrites: Send<SSOAdminClient>;
  readonly ssm: Send<SSMClient>;
  readonly sqs: Send<SQSClient>;
  readonly eventBridge: Send<EventBridgeClient>;
  readonly sns: Send<SNSClient>;
  /** The run store's table. */
  readonly dynamoDb: Send<DynamoDBClient>;
}

/** The client settings of one composition: the connection, the config's Region unless it names one. */
export const clientOptions = (connection: Connection, idcRegion: string | undefined) => {
  const region = connection.region ?? idcRegion;
  return {
    ...(region === undefined ? {} : { region }),
    ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    ...(connection.credentials === undefined ? {} : { credentials: connection.credentials }),
  };
};

/**
 * The settings of clients that make `attempts` attempts per call: the SDK's own retry when time is
 * real, the same schedule with its pauses taken through `sleep` when a caller scales time.
 */
export const retryingClientOptions = (
  connection: Connection,
  idcRegion: string | undefined,
  attempts: number,
  sleep: Sleep | undefined,
) => ({
  ...clientOptions(connection, idcRegion),
  maxAttempts: attempts,
  ...(sleep === undefined ? {} : { retryStrategy: sleepingStandardRetry(sleep, attempts) }),
});

/** The SDK's default attempts per call (its standard retry mode). */
export const SDK_DEFAULT_ATTEMPTS = 3;

/**
 * This environment's part of the Identity Center request share (docs/design.md §8), in the
 * composition's time: every Identity Center client of one environment takes its tokens here.
 */
export const identityCenterRequestRate = (
  config: { readonly requestRate: number; readonly requestBurst: number | undefined },
  overrides: TimeOverrides = {},
): RequestRate =>
  createRequestRate({
    perSecond: config.requestRate,
    burst: config.requestBurst ?? Math.max(1, Math.floor(config.requestRate)),
    clock: overrides.clock ?? systemClock,
    sleep: overrides.sleep ?? realSleep,
  });
