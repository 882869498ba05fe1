// Unload, unload-all, swap and shutdown wait for requests in flight at most the model's
// unloadTimeout (on the injected clock), then revoke their leases and stop: a request that never
// ends cannot hold a stop, and everyone waiting for that stop gets it.
import { describe, expect, it } from 'vitest';
import type { GroupConfig } from '../../src/config/types.js';
import type { SwapgateError } from '../../src/shared/errors.js';
import type { Lease } from '../../src/supervisor/types.js';
import { makeModel } from '../helpers/model-config.js';
import { waitForState } from './fake-process.js';
import { acquireReady, flush, setup, track, type Harness } from './harness.js';

const UNLOAD_MS = 3_000;

/** Records each revoke the lease's holder is told about, with the model's state at that moment. */
function listen(h: Harness, lease: Lease): Array<{ error: SwapgateError; state: string }> {
  const told: Array<{ error: SwapgateError; state: string }> = [];
  lease.onRevoke({ onLeaseRevoked: (error) => told.push({ error, state: h.fake(lease.modelId).state }) });
  return told;
}

describe('drain deadline of an unload', () => {
  it('revokes a request that never ends after unloadTimeout, then stops; a second unload shares the stop', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    const lease = await acquireReady(h, 'a');
    const told = listen(h, lease);
    const first = track(h.supervisor.unload('a', 'api'));
    const second = track(h.supervisor.unload('a', 'api'));

    h.clock.advance(UNLOAD_MS - 1);
    await flush();
    expect(first.settled()).toBe(false);
    expect(second.settled()).toBe(false);
    expect(told).toEqual([]);

    h.clock.advance(1);
    await Promise.all([first.promise, second.promise]);
    expect(told).toHaveLength(1);
    // Told while its upstream still runs, so the proxy can end the response cleanly first.
    expect(told[0]?.state).toBe('ready');
    expect(told[0]?.error).toMatchObject({ code: 'model_unloaded', status: 503, type: 'server_error', details: { model: 'a', reason: 'api' } });
    expect(h.fake('a').stopReasons).toEqual(['api']);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'stopped', inFlight: 0 });
    expect(h.logs.find((r) => r.msg === 'aborting requests still in flight')).toMatchObject({ model: 'a', inFlight: 1, code: 'model_unloaded' });

    // The holder's own late release changes nothing.
    lease.release();
    expect(h.supervisor.status('a').inFlight).toBe(0);
  });

  it('does not depend on the holder: a lease nobody listens to is taken back all the same', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    await acquireReady(h, 'a');
    const unloading = h.supervisor.unload('a');
    h.clock.advance(UNLOAD_MS);
    await unloading;
    expect(h.supervisor.status('a')).toMatchObject({ state: 'stopped', inFlight: 0 });
  });

  it('tells a holder that registers after the revoke at once', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    const lease = await acquireReady(h, 'a');
    const unloading = h.supervisor.unload('a');
    h.clock.advance(UNLOAD_MS);
    await unloading;
    const told = listen(h, lease);
    expect(told.map((t) => t.error.code)).toEqual(['model_unloaded']);
  });

  it('revokes nothing when the requests finish in time', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    const lease = await acquireReady(h, 'a');
    const told = listen(h, lease);
    const unloading = h.supervisor.unload('a');
    h.clock.advance(UNLOAD_MS - 1);
    lease.release();
    await unloading;
    expect(h.clock.pendingTimers).toBe(0);
    h.clock.advance(UNLOAD_MS);
    expect(told).toEqual([]);
    expect(h.logs.some((r) => r.msg === 'aborting requests still in flight')).toBe(false);
  });

  it('a load during the unload waits for it, then starts a fresh process', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    await acquireReady(h, 'a');
    const unloading = track(h.supervisor.unload('a'));
    const loading = track(h.supervisor.load('a'));
    await flush();
    expect(loading.settled()).toBe(false);

    h.clock.advance(UNLOAD_MS);
    await unloading.promise;
    await waitForState(h.fake('a'), 'starting');
    expect(loading.settled()).toBe(false);
    h.fake('a').finishStart();
    await loading.promise;
    expect(h.fake('a').starts).toBe(2);
    expect(h.events).toEqual([
      'a:stopped>starting',
      'a:starting>ready',
      'a:ready>stopping',
      'a:stopping>stopped',
      'a:stopped>starting',
      'a:starting>ready',
    ]);
  });

  it('unloadAll bounds each model by its own unloadTimeout', async () => {
    const duo: GroupConfig = { id: 'duo', members: ['x', 'y'], swap: false, exclusive: true, persistent: false, implicit: false };
    const h = setup([makeModel('x', { unloadTimeoutMs: 1_000 }), makeModel('y', { unloadTimeoutMs: 4_000 })], { config: { groups: [duo] } });
    const x = listen(h, await acquireReady(h, 'x'));
    const y = listen(h, await acquireReady(h, 'y'));
    const all = track(h.supervisor.unloadAll('api'));

    h.clock.advance(1_000);
    await waitForState(h.fake('x'), 'stopped');
    expect(x).toHaveLength(1);
    expect(y).toEqual([]);
    expect(all.settled()).toBe(false);

    h.clock.advance(3_000);
    await all.promise;
    expect(y.map((t) => t.error.code)).toEqual(['model_unloaded']);
    expect(h.supervisor.statuses().map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });
});

describe('drain deadline of a swap', () => {
  it('once the swap starves, revokes the victim’s stuck request after unloadTimeout and starts the target', async () => {
    const STARVATION_MS = 10_000;
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS }), makeModel('b')], { starvationMs: STARVATION_MS });
    const told = listen(h, await acquireReady(h, 'a'));
    const forB = track(h.supervisor.acquire('b'));

    h.clock.advance(STARVATION_MS + UNLOAD_MS - 1);
    await flush();
    expect(told).toEqual([]);
    expect(h.fake('a').state).toBe('ready');

    h.clock.advance(1);
    await waitForState(h.fake('b'), 'starting');
    expect(told.map((t) => [t.error.code, t.error.details.reason, t.state])).toEqual([['model_unloaded', 'swap', 'ready']]);
    expect(h.fake('a').stopReasons).toEqual(['swap']);
    h.fake('b').finishStart();
    (await forB.promise).release();
  });

  it('drops the deadline when the swap no longer waits', async () => {
    const STARVATION_MS = 10_000;
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS }), makeModel('b')], { starvationMs: STARVATION_MS });
    const told = listen(h, await acquireReady(h, 'a'));
    const controller = new AbortController();
    const forB = h.supervisor.acquire('b', { signal: controller.signal });
    h.clock.advance(STARVATION_MS);
    await flush();
    controller.abort();
    await expect(forB).rejects.toMatchObject({ code: 'aborted' });

    h.clock.advance(UNLOAD_MS);
    await flush();
    expect(told).toEqual([]);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'ready', inFlight: 1 });
  });
});

describe('drain deadline of a shutdown', () => {
  it('waits at most each model’s unloadTimeout, even with a longer graceMs', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    const told = listen(h, await acquireReady(h, 'a'));
    const done = track(h.supervisor.shutdown({ graceMs: 60_000 }));
    h.clock.advance(UNLOAD_MS - 1);
    await flush();
    expect(done.settled()).toBe(false);

    h.clock.advance(1);
    await done.promise;
    expect(told.map((t) => [t.error.code, t.state])).toEqual([['shutting_down', 'ready']]);
    expect(h.fake('a').state).toBe('shutdown');
  });

  it('graceMs 0 ends what is in flight at once', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    const told = listen(h, await acquireReady(h, 'a'));
    await h.supervisor.shutdown({ graceMs: 0 });
    expect(told.map((t) => t.error.code)).toEqual(['shutting_down']);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'shutdown', inFlight: 0 });
  });
});
