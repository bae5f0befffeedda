import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { errorLogger, withStandardMiddleware } from '../../../shared/runtime/middleware.js';
import { RecordingLogger } from '../../support/fakes/index.js';

const context = {
  functionName: 'test',
  functionVersion: '1',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:test',
  memoryLimitInMB: '128',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

describe('errorLogger', () => {
  it('logs the error and lets it reach the caller', async () => {
    // Prepare
    const logger = new RecordingLogger();
    const failure = new Error('boom');
    const handler = middy<unknown, void, Error, Context>()
      .use(errorLogger({ logger }))
      .handler(async () => {
        throw failure;
      });

    // Act
    const run = handler({}, context);

    // Assess
    await expect(run).rejects.toBe(failure);
    expect(logger.entries).toEqual([
      { level: 'error', message: 'Invocation failed', attributes: [{ error: failure }] },
    ]);
  });
});

describe('withStandardMiddleware', () => {
  it('returns what the handler returns', async () => {
    // Prepare
    const handler = withStandardMiddleware(async (event: { n: number }) => event.n + 1);

    // Act
    const result = await handler({ n: 1 }, context);

    // Assess
    expect(result).toBe(2);
  });

  it('rethrows what the handler throws', async () => {
    // Prepare
    const failure = new Error('downstream');
    const handler = withStandardMiddleware(async () => {
      throw failure;
    });

    // Act + Assess
    await expect(handler({}, context)).rejects.toBe(failure);
  });
});
