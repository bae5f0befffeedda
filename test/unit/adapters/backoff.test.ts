import { describe, expect, it } from 'vitest';
import { isRetryableAwsError } from '../../../shared/adapters/aws-errors.js';
import { RetriesExhaustedError, withBackoff } from '../../../shared/adapters/backoff.js';

const awsError = (name: string, httpStatusCode?: number) =>
  Object.assign(new Error(name), { name, $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });

describe('isRetryableAwsError', () => {
  it.each([
    ['ConflictException', undefined, true],
    ['ThrottlingException', undefined, true],
    ['TooManyRequestsException', undefined, true],
    ['InternalServerException', undefined, true],
    ['ServiceUnavailable', undefined, true],
    ['SomethingNew', 502, true],
    ['SomethingNew', 429, true],
    ['ValidationException', 400, false],
    ['AccessDeniedException', 403, false],
    ['ResourceNotFoundException', 404, false],
  ])('classifies %s (HTTP %s) as retryable: %s', (name, status, expected) => {
    expect(isRetryableAwsError(awsError(name, status))).toBe(expected);
  });

  it('does not retry a value that is not an error object', () => {
    expect(isRetryableAwsError('ThrottlingException')).toBe(false);
  });
});

describe('withBackoff', () => {
  it('sleeps a random share of a doubling ceiling, capped, between attempts', async () => {
    // Prepare
    const sleeps: number[] = [];
    let calls = 0;
    const call = async () => {
      calls++;
      if (calls < 5) throw awsError('ThrottlingException');
      return 'done';
    };

    // Act
    const result = await withBackoff('Op', call, {
      maxAttempts: 5,
      baseMs: 100,
      capMs: 500,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    // Assess
    expect(result).toBe('done');
    expect(sleeps).toEqual([50, 100, 200, 250]);
  });

  it('names the operation and the attempts when it gives up', async () => {
    // Prepare
    const last = awsError('ConflictException');

    // Act
    const result = withBackoff('CreateAccountAssignment', () => Promise.reject(last), {
      maxAttempts: 2,
      baseMs: 1,
      capMs: 1,
      random: () => 0,
      sleep: async () => {},
    });

    // Assess
    await expect(result).rejects.toThrow('CreateAccountAssignment still failing after 2 attempts');
    await expect(result).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(result).rejects.toMatchObject({ cause: last });
  });
});
