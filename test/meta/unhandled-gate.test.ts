// The unhandled-error gate: a test that passes but leaves an unhandled rejection or an uncaught
// exception behind fails the whole run. Runs vitest with the project's settings
// (fixtures/vitest.fixture.config.ts) on one fixture file per case.
import { describe, expect, it } from 'vitest';
import { runVitest } from './vitest-child.js';

const FIXTURE_CONFIG = 'test/meta/fixtures/vitest.fixture.config.ts';
const CHILD_TIMEOUT_MS = 60_000;

const runFixture = (name: string) => runVitest(['run', '--config', FIXTURE_CONFIG, `${name}.fixture.ts`], CHILD_TIMEOUT_MS);

describe('the unhandled-error gate', () => {
  it(
    'fails the run on an unhandled rejection and on an uncaught exception, and passes a clean file',
    async () => {
      // One child per case, side by side: each takes about two seconds, mostly vitest's start-up.
      const [rejection, exception, clean] = await Promise.all([
        runFixture('unhandled-rejection'),
        runFixture('uncaught-exception'),
        runFixture('clean'),
      ]);

      expect(rejection.exitCode, rejection.output).not.toBe(0);
      expect(rejection.output).toContain('Unhandled Rejection');
      expect(rejection.output).toContain('gate-fixture: nobody handles this rejection');

      expect(exception.exitCode, exception.output).not.toBe(0);
      expect(exception.output).toContain('Uncaught Exception');
      expect(exception.output).toContain('gate-fixture: nobody catches this exception');

      expect(clean.exitCode, clean.output).toBe(0);
      expect(clean.output).toMatch(/Tests\s+1 passed/);
    },
    CHILD_TIMEOUT_MS + 10_000,
  );
});
