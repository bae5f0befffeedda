import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    // The resilience suite prints its scenario count, wrong revocations and lost items.
    reporters: ['default', './test/resilience/support/tally-reporter.ts'],
  },
});
