import { afterEach, describe, expect, it } from 'vitest';
import { isSwapgateError, type SwapgateError } from '../../src/shared/errors.js';
import { fakeCmd } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { createHarness, isProcessGone, type Harness } from './process-harness.js';

let harness: Harness = createHarness();

afterEach(async () => {
  await harness.cleanup();
  harness = createHarness();
});

async function getStartError(promise: Promise<void>): Promise<SwapgateError> {
  const error: unknown = await promise.then(
    () => new Error('expected the start to fail'),
    (e: unknown) => e,
  );
  if (!isSwapgateError(error)) throw error;
  return error;
}

describe('ModelProcess start failures', () => {
  it('fails at once when the process exits while starting, with its exit code and last 20 lines', async () => {
    const cmd = fakeCmd('--ready-after-ms', '60000', '--exit-after-ms', '50', '--exit-code', '3', '--stderr-lines', '30');
    const rec = harness.create(harness.model('early', { cmd, healthCheckTimeoutMs: 15_000 }));
    // It exits 50 ms after LISTENING; the health timeout (15 s) must play no part: a timeout
    // would report timed_out, and the test's own 20 s limit would not be reached this way.
    const error = await getStartError(rec.proc.ensureReady());

    expect(error.code).toBe('upstream_start_failed');
    expect(error.status).toBe(502);
    expect(error.details).toMatchObject({ model: 'early', exit_code: 3, signal: null, timed_out: false });
    const tail = error.message.split('last log lines:\n')[1]?.split('\n') ?? [];
    // stdout and stderr interleave in any order; the tail is the last 20 lines of both.
    expect(tail).toHaveLength(20);
    expect(tail).toContainEqual(expect.stringMatching(/^fake log line 30\/30/));
    expect(tail).not.toContainEqual(expect.stringMatching(/^fake log line 1\/30/));
    expect(rec.proc.state).toBe('stopped');
    expect(rec.transitions()).toEqual(['stopped→starting', 'starting→stopped']);
    expect(rec.changes.at(-1)?.reason).toBe('exited');
    // Remembered after the request: one line of what, and the same tail apart.
    expect(rec.proc.lastFailure).toEqual({
      atMs: expect.any(Number),
      code: 'upstream_start_failed',
      message: expect.stringMatching(/^model "early" exited during start \(code 3, signal none\) after \d+ ms$/),
      reason: 'exited',
      exitCode: 3,
      signal: null,
      timedOut: false,
      logTail: tail,
    });
  });

  it('kills the process and reports timedOut when health never turns 200', async () => {
    const rec = harness.create(harness.model('sick', { cmd: fakeCmd('--fail-health'), healthCheckTimeoutMs: 500 }));
    const ready = rec.proc.ensureReady();
    const pid = await waitFor(() => rec.proc.pid ?? false, { what: 'a pid' });
    const error = await getStartError(ready);

    expect(error.details).toMatchObject({ timed_out: true, model: 'sick' });
    expect(error.status).toBe(504);
    expect(error.message).toMatch(/did not become healthy within \d+ ms/);
    expect(isProcessGone(pid)).toBe(true);
    expect(rec.transitions()).toEqual(['stopped→starting', 'starting→stopping', 'stopping→stopped']);
    expect(rec.changes.map((c) => c.reason).slice(1)).toEqual(['health-timeout', 'health-timeout']);
    expect(rec.proc.lastFailure).toMatchObject({ code: 'upstream_start_failed', reason: 'health-timeout', timedOut: true, exitCode: null });
  });

  it('names the command when it cannot be found', async () => {
    const rec = harness.create(harness.model('ghost', { cmd: ['/nonexistent/llama-server', '--port', '${PORT}'] }));
    const error = await getStartError(rec.proc.ensureReady());
    expect(error.code).toBe('upstream_start_failed');
    expect(error.message).toBe('model "ghost": cannot run "/nonexistent/llama-server": command not found');
    expect(error.details).toMatchObject({ errno: 'ENOENT', command: '/nonexistent/llama-server' });
    expect(rec.proc.state).toBe('stopped');
    expect(harness.ports.ports.size).toBe(0);
    expect(rec.proc.lastFailure).toMatchObject({ reason: 'start-failed', message: error.message, logTail: [] });
  });

  it('has no permanent failed state: the next ensureReady tries again', async () => {
    const rec = harness.create(harness.model('flaky', { cmd: fakeCmd('--exit-after-ms', '0', '--exit-code', '7') }));
    const first = await getStartError(rec.proc.ensureReady());
    const second = await getStartError(rec.proc.ensureReady());
    expect([first.details.exit_code, second.details.exit_code]).toEqual([7, 7]);
    expect(rec.changes.filter((c) => c.to === 'starting')).toHaveLength(2);
  });
});
