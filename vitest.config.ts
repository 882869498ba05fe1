import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds dist/ (the e2e tests run the real CLI) and installs llama-server once per run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Upstream processes are real; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
  },
});
