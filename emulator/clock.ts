import { performance } from 'node:perf_hooks';

/**
 * Emulated time. It starts at the wall-clock time the emulator started and runs `timeScale` times
 * faster, so that an hour of Identity Center latency can pass in seconds. Timestamps the emulator
 * returns (`CreatedDate`, `LastModifiedDate`, …) are in emulated time.
 */
export interface EmulatedClock {
  /** Emulated epoch milliseconds. */
  now(): number;
  /** Resolves once emulated time has reached `emulatedMs`. */
  sleepUntil(emulatedMs: number): Promise<void>;
  readonly timeScale: number;
}

export const createClock = (timeScale = 1): EmulatedClock => {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new RangeError(`timeScale must be a positive finite number, got ${timeScale}`);
  }
  const startWall = performance.now();
  const startEpoch = Date.now();
  const now = (): number => startEpoch + (performance.now() - startWall) * timeScale;
  return {
    timeScale,
    now,
    sleepUntil: (emulatedMs) =>
      new Promise((resolve) => {
        const wallMs = Math.max(0, (emulatedMs - now()) / timeScale);
        // Timers can fire a fraction of a millisecond early; callers re-check and sleep again.
        setTimeout(resolve, Math.ceil(wallMs));
      }),
  };
};

/** AWS JSON timestamps are epoch seconds. */
export const epochSeconds = (ms: number): number => Math.floor(ms) / 1000;
