/**
 * How long a work item that failed on throttling stays invisible before SQS delivers it again.
 * Throttling is the quota being busy, not the item being wrong: it should come back within
 * seconds to a minute, never after the queue's visibility timeout (which is sized for a worker
 * that died mid-item). The pause doubles with each receive so that a long storm is not fed by its
 * own retries, and is spread over its upper half so that a storm's items do not return together.
 */
export const THROTTLED_RETRY_FIRST_SECONDS = 5;
export const THROTTLED_RETRY_MAX_SECONDS = 60;

/**
 * @param receiveCount SQS's `ApproximateReceiveCount` of the record (1 on the first delivery).
 * @param random a number in [0, 1), as `Math.random` returns.
 *
 * @example
 * throttledRetrySeconds(1, Math.random); // 3–5 seconds
 * throttledRetrySeconds(9, Math.random); // 30–60 seconds
 */
export const throttledRetrySeconds = (receiveCount: number, random: () => number): number => {
  const doublings = Math.max(0, Math.min(16, Math.floor(receiveCount) - 1));
  const ceiling = Math.min(THROTTLED_RETRY_MAX_SECONDS, THROTTLED_RETRY_FIRST_SECONDS * 2 ** doublings);
  return Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
};
