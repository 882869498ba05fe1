import { describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { waitForState } from './fake-process.js';
import { acquireReady, flush, setup } from './harness.js';

const TTL_MS = 60_000;

describe('TTL', () => {
  it('unloads a model ttlMs after its last request ended', async () => {
    const h = setup([makeModel('a', { ttlMs: TTL_MS })]);
    const lease = await acquireReady(h, 'a');
    lease.release();
    h.clock.advance(TTL_MS - 1);
    await flush();
    expect(h.fake('a').state).toBe('ready');
    h.clock.advance(1);
    await waitForState(h.fake('a'), 'stopped');
    expect(h.fake('a').stopReasons).toEqual(['ttl']);
  });

  it('never cuts a request in flight, however long it runs', async () => {
    const h = setup([makeModel('a', { ttlMs: TTL_MS })]);
    const lease = await acquireReady(h, 'a');
    h.clock.advance(10 * TTL_MS);
    await flush();
    expect(h.fake('a').state).toBe('ready');
    expect(h.clock.pendingTimers).toBe(0);
    lease.release();
    h.clock.advance(TTL_MS);
    await waitForState(h.fake('a'), 'stopped');
  });

  it('restarts the countdown when a request arrives meanwhile', async () => {
    const h = setup([makeModel('a', { ttlMs: TTL_MS })]);
    (await acquireReady(h, 'a')).release();
    h.clock.advance(TTL_MS / 2);
    (await h.supervisor.acquire('a')).release();
    h.clock.advance(TTL_MS - 1);
    await flush();
    expect(h.fake('a').state).toBe('ready');
    h.clock.advance(1);
    await waitForState(h.fake('a'), 'stopped');
  });

  it('does not arm for ttlMs 0', async () => {
    const h = setup([makeModel('a', { ttlMs: 0 })]);
    (await acquireReady(h, 'a')).release();
    expect(h.clock.pendingTimers).toBe(0);
  });
});

describe('aborting a waiting request', () => {
  it('leaves the queue, and a swap nobody waits for no longer happens', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const leaseA = await acquireReady(h, 'a');
    const controller = new AbortController();
    const forB = h.supervisor.acquire('b', { signal: controller.signal });
    await flush();
    expect(h.supervisor.status('b').queued).toBe(1);

    controller.abort();
    await expect(forB).rejects.toMatchObject({ code: 'aborted' });
    expect(h.supervisor.status('b').queued).toBe(0);
    leaseA.release();
    await flush();
    expect(h.fake('a').state).toBe('ready');
    expect(h.fake('b').starts).toBe(0);
  });

  it('cancels a load when its last waiter aborts, not before', async () => {
    const h = setup([makeModel('a')]);
    const first = new AbortController();
    const second = new AbortController();
    const one = h.supervisor.acquire('a', { signal: first.signal });
    const two = h.supervisor.acquire('a', { signal: second.signal });
    await waitForState(h.fake('a'), 'starting');

    first.abort();
    await expect(one).rejects.toMatchObject({ code: 'aborted' });
    await flush();
    expect(h.fake('a').state).toBe('starting');

    second.abort();
    await expect(two).rejects.toMatchObject({ code: 'aborted' });
    await waitForState(h.fake('a'), 'stopped');
    expect(h.fake('a').stopReasons).toContain('cancelled');
    expect(h.supervisor.status('a')).toMatchObject({ state: 'stopped', queued: 0, inFlight: 0 });

    // The next request starts it afresh.
    (await acquireReady(h, 'a')).release();
    expect(h.fake('a').starts).toBe(2);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const h = setup([makeModel('a')]);
    await expect(h.supervisor.acquire('a', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(h.fake('a').starts).toBe(0);
  });
});
