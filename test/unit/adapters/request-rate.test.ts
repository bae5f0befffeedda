import { ListPermissionSetsCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRequestRate, withRequestRate } from '../../../shared/adapters/request-rate.js';
import { sleepingStandardRetry } from '../../../shared/adapters/sleeping-retry.js';

/** A clock that only moves when the code under test sleeps. */
const virtualTime = () => {
  let now = 0;
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    get now() {
      return now;
    },
  };
};

describe('createRequestRate', () => {
  it('lets a burst go at once and paces the rest at the sustained rate', async () => {
    const time = virtualTime();
    const rate = createRequestRate({ perSecond: 2, burst: 3, ...time });
    const sentAt: number[] = [];
    for (let i = 0; i < 7; i++) {
      await rate.take();
      sentAt.push(time.now);
    }
    expect(sentAt).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
  });

  it('never lets more than burst + rate × seconds through in any window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.2, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }),
        async (perSecond, burst, gaps) => {
          const time = virtualTime();
          const rate = createRequestRate({ perSecond, burst, ...time });
          const sentAt: number[] = [];
          for (const gap of gaps) {
            time.advance(gap);
            await rate.take();
            sentAt.push(time.now);
          }
          for (let i = 0; i < sentAt.length; i++) {
            for (let j = i; j < sentAt.length; j++) {
              const windowMs = (sentAt[j] ?? 0) - (sentAt[i] ?? 0);
              expect(j - i + 1).toBeLessThanOrEqual(burst + (windowMs / 1000) * perSecond + 1e-6);
            }
          }
        },
      ),
    );
  });

  it.each([
    [0, 1],
    [-1, 1],
    [Number.POSITIVE_INFINITY, 1],
    [1, 0.5],
  ])('refuses a rate of %s with a burst of %s', (perSecond, burst) => {
    expect(() => createRequestRate({ perSecond, burst, ...virtualTime() })).toThrow(RangeError);
  });
});

describe('withRequestRate', () => {
  it('takes a token for every attempt the SDK makes, its retries included', async () => {
    let taken = 0;
    let attempts = 0;
    const client = new SSOAdminClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 3,
      retryStrategy: sleepingStandardRetry(async () => {}, 3),
      requestHandler: {
        handle: async () => {
          attempts += 1;
          const throttled = attempts < 3;
          return {
            response: {
              statusCode: throttled ? 400 : 200,
              headers: { 'content-type': 'application/x-amz-json-1.1' },
              body: Buffer.from(
                throttled
                  ? JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' })
                  : JSON.stringify({ PermissionSets: [] }),
              ),
            },
          };
        },
      },
    });
    const limited = withRequestRate(client, {
      take: async () => {
        taken += 1;
      },
    });

    await limited.send(new ListPermissionSetsCommand({ InstanceArn: 'arn:aws:sso:::instance/ssoins-1' }));

    expect(attempts).toBe(3);
    expect(taken).toBe(3);
    client.destroy();
  });

  it('leaves the client itself unlimited for other environments that share it', async () => {
    const calls: string[] = [];
    const client = {
      send: async (command: { middlewareStack?: unknown }) => {
        calls.push(typeof command);
        return {};
      },
    };
    const limited = withRequestRate(client, { take: async () => {} });

    await limited.send({});

    expect(limited).not.toBe(client);
    expect(calls).toEqual(['object']);
  });
});
