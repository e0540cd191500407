import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // End-to-end and fault tests start their own service processes; two cores cannot run
    // many of them at once without making the timing-sensitive ones flaky.
    maxWorkers: 2,
  },
});
