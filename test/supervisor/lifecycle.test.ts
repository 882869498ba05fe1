import { describe, expect, it } from 'vitest';
import type { GroupConfig } from '../../src/config/types.js';
import { upstreamStartError } from '../../src/shared/errors.js';
import { makeModel } from '../helpers/model-config.js';
import { waitForState, type FakeProcess } from './fake-process.js';
import { acquireReady, flush, setup, track, type Harness } from './harness.js';

const duo: GroupConfig = { id: 'duo', members: ['x', 'y', 'z'], swap: false, exclusive: true, persistent: false, implicit: false };

/** Finishes each start as it begins, failing the ones listed. */
function autoStart(h: Harness, ids: string[], failing: string[] = []): void {
  for (const id of ids) {
    const fake: FakeProcess = h.fake(id);
    fake.on('state', (change) => {
      if (change.to !== 'starting') return;
      queueMicrotask(() => {
        if (!failing.includes(id)) return fake.finishStart();
        const failure = { modelId: id, exitCode: 2, signal: null, timedOut: false, durationMs: 1, logTail: [] };
        fake.failStart(upstreamStartError(failure));
      });
    });
  }
}

describe('start', () => {
  it('reaps orphans first, then preloads in order; several stay up in a swap:false group', async () => {
    const calls: string[] = [];
    const h = setup([makeModel('x'), makeModel('y'), makeModel('z')], {
      config: { groups: [duo], preload: ['y', 'x'] },
      reapOrphans: async () => {
        calls.push('reap');
      },
    });
    h.supervisor.on('state', (change) => {
      if (change.to === 'starting') calls.push(change.modelId);
    });
    autoStart(h, ['x', 'y', 'z']);
    await h.supervisor.start();
    expect(calls).toEqual(['reap', 'y', 'x']);
    expect(h.supervisor.statuses().map((s) => [s.id, s.state, s.inFlight])).toEqual([
      ['x', 'ready', 0],
      ['y', 'ready', 0],
      ['z', 'stopped', 0],
    ]);
  });

  it('logs a preload failure and goes on with the rest', async () => {
    const h = setup([makeModel('x'), makeModel('y'), makeModel('z')], {
      config: { groups: [duo], preload: ['x', 'y'] },
    });
    autoStart(h, ['x', 'y'], ['x']);
    await h.supervisor.start();
    expect(h.supervisor.status('x').state).toBe('stopped');
    expect(h.supervisor.status('y').state).toBe('ready');
    expect(h.logs.find((r) => r.msg === 'preload failed')).toMatchObject({ model: 'x', level: 40 });
  });
});

describe('unload', () => {
  it('waits for in-flight requests, then stops; requests meanwhile wait and restart it', async () => {
    const h = setup([makeModel('a')]);
    const lease = await acquireReady(h, 'a');
    const unloading = track(h.supervisor.unload('a'));
    const meanwhile = track(h.supervisor.acquire('a'));
    await flush();
    expect(unloading.settled()).toBe(false);
    expect(meanwhile.settled()).toBe(false);
    expect(h.fake('a').state).toBe('ready');

    lease.release();
    await unloading.promise;
    expect(h.fake('a').stopReasons).toEqual(['unload']);
    await waitForState(h.fake('a'), 'starting');
    h.fake('a').finishStart();
    (await meanwhile.promise).release();
    expect(h.fake('a').starts).toBe(2);
  });

  it('resolves at once for a stopped model', async () => {
    const h = setup([makeModel('a')]);
    await h.supervisor.unload('a');
    expect(h.fake('a').stopReasons).toEqual([]);
    await expect(h.supervisor.unload('nope')).rejects.toMatchObject({ code: 'model_not_found' });
  });

  it('unloadAll stops every running model', async () => {
    const h = setup([makeModel('x'), makeModel('y'), makeModel('z')], { config: { groups: [duo] } });
    (await acquireReady(h, 'x')).release();
    const y = await acquireReady(h, 'y');
    const all = track(h.supervisor.unloadAll('admin'));
    await flush();
    expect(h.fake('x').state).toBe('stopped');
    expect(all.settled()).toBe(false);
    y.release();
    await all.promise;
    expect(h.supervisor.statuses().every((s) => s.state === 'stopped')).toBe(true);
    expect(h.fake('y').stopReasons).toEqual(['admin']);
  });
});

describe('shutdown', () => {
  it('rejects new and queued requests with 503, waits for in-flight ones, then shuts every process down', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const lease = await acquireReady(h, 'a');
    const queued = h.supervisor.acquire('b');
    const done = track(h.supervisor.shutdown({ graceMs: 30_000 }));

    await expect(queued).rejects.toMatchObject({ code: 'shutting_down', status: 503 });
    await expect(h.supervisor.acquire('a')).rejects.toMatchObject({ code: 'shutting_down', status: 503 });
    await flush();
    expect(done.settled()).toBe(false);
    expect(h.fake('a').shutdownCalls).toEqual([]);

    lease.release();
    await done.promise;
    for (const id of ['a', 'b']) {
      expect(h.fake(id).state).toBe('shutdown');
      expect(h.fake(id).shutdownCalls).toEqual([undefined]);
    }
  });

  it('stops waiting after graceMs, ending what is still in flight with shutting_down first', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: 60_000 })]);
    const lease = await acquireReady(h, 'a');
    const told: string[] = [];
    lease.onRevoke({ onLeaseRevoked: (error) => told.push(`${error.code} while ${h.fake('a').state}`) });
    const done = track(h.supervisor.shutdown({ graceMs: 5_000 }));
    h.clock.advance(4_999);
    await flush();
    expect(done.settled()).toBe(false);
    h.clock.advance(1);
    await done.promise;
    expect(told).toEqual(['shutting_down while ready']);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'shutdown', inFlight: 0 });
    expect(h.logs.find((r) => r.msg === 'aborting requests still in flight')).toMatchObject({ model: 'a', inFlight: 1, code: 'shutting_down' });
  });

  it('a second, forced call skips the wait and kills hard', async () => {
    const h = setup([makeModel('a')]);
    await acquireReady(h, 'a');
    const first = h.supervisor.shutdown({ graceMs: 60_000 });
    const second = h.supervisor.shutdown({ graceMs: 0, force: true });
    await Promise.all([first, second]);
    expect(h.fake('a').shutdownCalls).toEqual([{ force: true }]);
  });

  it('cancels a load in progress', async () => {
    const h = setup([makeModel('a')]);
    const pending = h.supervisor.acquire('a');
    await waitForState(h.fake('a'), 'starting');
    await h.supervisor.shutdown({ graceMs: 1_000 });
    await expect(pending).rejects.toMatchObject({ code: 'shutting_down' });
    expect(h.fake('a').state).toBe('shutdown');
    await expect(h.supervisor.load('a')).rejects.toMatchObject({ code: 'shutting_down' });
  });
});
