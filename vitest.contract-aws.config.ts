import { defineConfig } from 'vitest/config';

/**
 * The adapter contract suite against a real AWS account (or another endpoint): opt-in only, run
 * with `npm run test:contract:aws` (docs/contract-tests.md). `npm test` never picks these files
 * up: they end in `.aws.ts`, which the default config does not include.
 */
export default defineConfig({
  test: {
    include: ['test/contract/aws/**/*.aws.ts'],
    // One file at a time, in order: the writes go to one sandbox account.
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 600_000,
    hookTimeout: 600_000,
    env: { POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});
