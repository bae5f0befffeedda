import type { ErrorOrigin } from './errors.js';
import type { EmulatorStats } from './types.js';

export interface StatsRecorder {
  call(operation: string): void;
  error(origin: ErrorOrigin): void;
  snapshot(): EmulatorStats;
  reset(): void;
}

export const createStatsRecorder = (): StatsRecorder => {
  let calls: Record<string, number> = {};
  let throttled = 0;
  let conflicts = 0;
  let faultsInjected = 0;
  return {
    call: (operation) => {
      calls[operation] = (calls[operation] ?? 0) + 1;
    },
    error: (origin) => {
      if (origin === 'throttle') throttled += 1;
      else if (origin === 'conflict') conflicts += 1;
      else if (origin === 'fault') faultsInjected += 1;
    },
    snapshot: () => ({ calls: { ...calls }, throttled, conflicts, faultsInjected }),
    reset: () => {
      calls = {};
      throttled = 0;
      conflicts = 0;
      faultsInjected = 0;
    },
  };
};
