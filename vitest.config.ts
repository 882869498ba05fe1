import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Upstream processes are real; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
  },
});
