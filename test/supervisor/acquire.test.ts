import { describe, expect, it } from 'vitest';
import { upstreamStartError } from '../../src/shared/errors.js';
import type { LoadProgress } from '../../src/supervisor/types.js';
import { makeModel } from '../helpers/model-config.js';
import { waitForState } from './fake-process.js';
import { acquireReady, flush, setup } from './harness.js';

describe('acquire', () => {
  it('starts a stopped model, reports progress and leases it', async () => {
    const h = setup([makeModel('a')]);
    const progress: LoadProgress[] = [];
    const pending = h.supervisor.acquire('a', { onProgress: (p) => progress.push(p) });
    await waitForState(h.fake('a'), 'starting');
    h.clock.advance(1234);
    h.fake('a').finishStart();
    const lease = await pending;

    expect(h.events).toEqual(['a:stopped>starting', 'a:starting>ready']);
    expect(progress).toEqual([
      { kind: 'queued', position: 1 },
      { kind: 'loading', elapsedMs: 0 },
      { kind: 'ready', loadMs: 1234 },
    ]);
    expect(lease).toMatchObject({ modelId: 'a', baseUrl: h.fake('a').baseUrl, waitedForLoad: true });
    expect(h.supervisor.status('a')).toMatchObject({ state: 'ready', inFlight: 1, queued: 0 });

    lease.release();
    lease.release(); // idempotent
    expect(h.supervisor.status('a').inFlight).toBe(0);
  });

  it('leases a ready model at once without waiting or reporting progress', async () => {
    const h = setup([makeModel('a')]);
    (await acquireReady(h, 'a')).release();
    const progress: LoadProgress[] = [];
    const lease = await h.supervisor.acquire('a', { onProgress: (p) => progress.push(p) });
    expect(lease.waitedForLoad).toBe(false);
    expect(progress).toEqual([]);
    expect(h.fake('a').starts).toBe(1);
  });

  it('starts once for 5 concurrent acquires', async () => {
    const h = setup([makeModel('a')]);
    const pending = Array.from({ length: 5 }, () => h.supervisor.acquire('a'));
    await waitForState(h.fake('a'), 'starting');
    expect(h.supervisor.status('a').queued).toBe(5);
    h.fake('a').finishStart();
    const leases = await Promise.all(pending);
    expect(h.fake('a').starts).toBe(1);
    expect(h.supervisor.status('a')).toMatchObject({ inFlight: 5, queued: 0 });
    for (const lease of leases) lease.release();
    expect(h.supervisor.status('a').inFlight).toBe(0);
  });

  it('rejects an unknown id with 404 listing the available ids', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    await expect(h.supervisor.acquire('nope')).rejects.toMatchObject({
      code: 'model_not_found',
      status: 404,
      message: expect.stringMatching(/"nope".*"a", "b"/),
    });
  });

  it('answers 429 at once over concurrencyLimit, counting queued requests too', async () => {
    const h = setup([makeModel('a', { concurrencyLimit: 2 })]);
    const first = h.supervisor.acquire('a');
    const second = h.supervisor.acquire('a');
    await expect(h.supervisor.acquire('a')).rejects.toMatchObject({
      code: 'concurrency_limit',
      status: 429,
      retryAfterSec: 1,
    });
    await waitForState(h.fake('a'), 'starting');
    h.fake('a').finishStart();
    const [one] = await Promise.all([first, second]);
    await expect(h.supervisor.acquire('a')).rejects.toMatchObject({ code: 'concurrency_limit' });
    one?.release();
    const third = await h.supervisor.acquire('a');
    expect(third.waitedForLoad).toBe(false);
  });

  it('rejects every waiter with the start failure, and the next acquire starts again', async () => {
    const h = setup([makeModel('a')]);
    const pending = [h.supervisor.acquire('a'), h.supervisor.acquire('a')];
    await waitForState(h.fake('a'), 'starting');
    const failure = upstreamStartError({
      modelId: 'a',
      exitCode: 1,
      signal: null,
      timedOut: false,
      durationMs: 10,
      logTail: ['boom'],
    });
    h.fake('a').failStart(failure);
    for (const p of pending) await expect(p).rejects.toBe(failure);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'stopped', queued: 0, inFlight: 0 });

    const lease = await acquireReady(h, 'a');
    expect(h.fake('a').starts).toBe(2);
    lease.release();
  });

  it('keeps the in-flight count of a run that died, and restarts on the next acquire', async () => {
    const h = setup([makeModel('a')]);
    const old = await acquireReady(h, 'a');
    h.fake('a').crash();
    expect(h.supervisor.status('a')).toMatchObject({ state: 'stopped', inFlight: 1 });
    expect(h.logs.some((r) => r.msg === 'a: exited unexpectedly (code 1), 1 request(s) in flight' && r.model === 'a')).toBe(true);

    const fresh = await acquireReady(h, 'a');
    expect(h.fake('a').starts).toBe(2);
    expect(h.supervisor.status('a').inFlight).toBe(2);
    old.release();
    fresh.release();
    expect(h.supervisor.status('a').inFlight).toBe(0);
  });

  it('re-emits process log lines and serves the log tail', async () => {
    const h = setup([makeModel('a')]);
    const lines: Array<{ modelId: string; line: string }> = [];
    h.supervisor.on('log', (entry) => lines.push(entry));
    h.fake('a').writeLog('hello');
    h.fake('a').writeLog('world');
    expect(lines).toEqual([
      { modelId: 'a', line: 'hello' },
      { modelId: 'a', line: 'world' },
    ]);
    expect(h.supervisor.logTail('a', 1)).toEqual(['world']);
    expect(() => h.supervisor.logTail('zzz')).toThrow(expect.objectContaining({ code: 'model_not_found' }));
    await flush();
  });
});
