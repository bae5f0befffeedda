/**
 * How the deployment's share of Identity Center's request rate is divided among the environments
 * that call Identity Center (docs/design.md §8). Pure numbers, with no CDK import: the stack sets
 * them as each function's `IDC_REQUEST_RATE`/`IDC_REQUEST_BURST`, and the benchmarks and the
 * resilience suite compose the functions with the same values.
 *
 * Identity Center allows 20 requests a second across its APIs for the whole organization
 * (docs/aws-facts.md §3.1), and the console and other tools draw from the same 20, so the automation
 * takes a configured share (default 10). There is no shared counter: each environment holds a
 * token bucket of `share part ÷ environments`, and the functions' concurrency caps the number of
 * environments, so the sustained sum stays under the share by construction. A bucket's burst lets a
 * quiet environment start at once; the burst is the only excess over the share, once, after a
 * quiet spell, and Identity Center's own bucket absorbs it.
 */

/** Identity Center's collective request quota, requests per second (docs/aws-facts.md §3.1). */
export const IDENTITY_CENTER_TPS = 20;
/** The automation's share of it unless the deploy config says otherwise. */
export const DEFAULT_REQUEST_SHARE = 10;

/**
 * The event lane's part of the share. Events are rare (a vended account, a leaver), but someone is
 * waiting for them; organization-wide runs are long and in the background, and a run that only
 * reads is bound by its lane's rate (docs/benchmarks.md): every tenth of the share kept back for
 * events makes such a run a ninth slower. So the event lane's sustained part is small and its
 * burst large: what an event needs comes from the burst, at once.
 */
export const EVENT_LANE_FRACTION = 0.1;
/**
 * Requests an event-lane environment may send at once: a vended account's whole reconcile, its
 * reads (about 20: docs/benchmarks.md, API calls per event), three or four creates and their
 * status polls (two or three each): about 32 for the benchmark's vended account, so 40 leaves
 * room and none of them waits for a token. It refills in 80 s at the lane's rate. The burst is
 * the only excess over the share: after a quiet spell, once, and Identity Center's own bucket
 * (20 a second) absorbs it.
 */
export const EVENT_LANE_BURST = 40;
/**
 * Requests a worker environment may send at once. An environment alternates between an account's
 * reads (a burst) and its writes, which wait on Identity Center's latency and use less than the
 * environment's rate; the burst lets the tokens left over during the writes pay for the next
 * account's reads.
 */
export const WORKER_BURST = 5;

export interface EnvironmentRate {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RequestShareSplit {
  readonly worker: EnvironmentRate;
  readonly eventWorker: EnvironmentRate;
}

/** Rounded down to a thousandth, so that rounding never lifts the sum above the share. */
const floorTo = (value: number): number => Math.floor(value * 1000) / 1000;

/**
 * Each environment's rate for a share of `share` requests a second, with `workers` organization
 * lane and `eventWorkers` event lane environments. The fan-out calls no Identity Center API (the
 * organization lane reads for it, docs/design.md §1.3), so the two lanes divide the whole share.
 *
 * @example
 * splitRequestShare(10, { workers: 10, eventWorkers: 2 }).worker; // { perSecond: 0.9, burst: 5 }
 */
export const splitRequestShare = (
  share: number,
  concurrency: { readonly workers: number; readonly eventWorkers: number },
): RequestShareSplit => {
  if (!(share > 0 && share <= IDENTITY_CENTER_TPS)) {
    throw new RangeError(`the request share must be above 0 and at most ${IDENTITY_CENTER_TPS}, got ${share}`);
  }
  const events = share * EVENT_LANE_FRACTION;
  const workers = share - events;
  return {
    worker: { perSecond: floorTo(workers / concurrency.workers), burst: WORKER_BURST },
    eventWorker: { perSecond: floorTo(events / concurrency.eventWorkers), burst: EVENT_LANE_BURST },
  };
};

/** The environment variables that give a function its rate. */
export const requestRateEnvironment = (rate: EnvironmentRate): Record<string, string> => ({
  IDC_REQUEST_RATE: String(rate.perSecond),
  IDC_REQUEST_BURST: String(rate.burst),
});

/**
 * Event-lane worker environments: the event source mapping's `maxConcurrency` on the event queue
 * (2 is the least SQS allows). Two events at once is plenty; more would thin each one's rate.
 */
export const EVENT_LANE_MAX_CONCURRENCY = 2;

/** The worker's variables: its organization-lane rate, and its event-lane rate (the event queue's records). */
export const workerRateEnvironment = (split: RequestShareSplit): Record<string, string> => ({
  ...requestRateEnvironment(split.worker),
  EVENT_LANE_REQUEST_RATE: String(split.eventWorker.perSecond),
  EVENT_LANE_REQUEST_BURST: String(split.eventWorker.burst),
});
