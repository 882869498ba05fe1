import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The end-to-end tests: they run the built daemon (`node dist/main.js`: DIST_MAIN, startDaemon,
 * runSwapgate), the real llama-server (inject('llamaServerPath'), scripts/install-llama-server.sh)
 * or Chromium. Only their project has the globalSetup that builds dist/ and installs llama-server;
 * test/meta/project-split.test.ts fails when a test of the unit project uses any of those.
 */
export const E2E_TESTS = [
  'test/e2e/**/*.test.ts',
  'test/llama/**/*.test.ts',
  'test/cli/built-daemon.test.ts',
  'test/ui/ui-browser.test.ts',
];

// `npm test` runs both projects; `npm run test:unit` (no build, no llama-server) and
// `npm run test:e2e` run one each.
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Upstream processes are real; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
    // An unhandled rejection or uncaught exception during any test fails the run (vitest's
    // default, stated so it stays: test/meta/unhandled-gate.test.ts proves it with this config).
    dangerouslyIgnoreUnhandledErrors: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...E2E_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: E2E_TESTS,
          // Builds dist/ (the e2e tests run the real CLI) and installs llama-server once per run.
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
