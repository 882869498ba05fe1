// Supervisor.reconfigure over fake processes and a fake clock: what a config reload keeps,
// restarts, adds and removes, and that swap exclusivity holds across it.
import { describe, expect, it } from 'vitest';
import type { Config, GroupConfig, ModelConfig } from '../../src/config/types.js';
import type { Lease } from '../../src/supervisor/types.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { waitForState } from './fake-process.js';
import { acquireReady, flush, setup, track, type Harness } from './harness.js';

const TTL_MS = 60_000;
const trio: GroupConfig = { id: 'trio', members: ['a', 'b', 'c'], swap: false, exclusive: true, persistent: false, implicit: false };
const changedCmd = (id: string): Partial<ModelConfig> => ({ cmd: ['srv', '--model', id, '--v2'] });

/** The same startPort as the harness's config, so only what the test changes differs. */
function nextConfig(h: Harness, models: ModelConfig[], overrides: Partial<Config> = {}): Config {
  return makeConfig(models, { startPort: h.config.startPort, ...overrides });
}

/** Fails when two models of the implicit (swap) group were ever running at once. */
function maxRunningAtOnce(events: readonly string[]): number {
  const running = new Set<string>();
  let max = 0;
  for (const event of events) {
    const [id, change] = event.split(':') as [string, string];
    const to = change.split('>')[1];
    if (to === 'starting' || to === 'ready' || to === 'stopping') running.add(id);
    else running.delete(id);
    max = Math.max(max, running.size);
  }
  return max;
}

describe('reconfigure: kept models', () => {
  it('keep their process, their requests in flight and their TTL clock', async () => {
    const h = setup([makeModel('a', { ttlMs: TTL_MS }), makeModel('b')], { config: { groups: [trio] } });
    (await acquireReady(h, 'a')).release();
    const inFlight = await h.supervisor.acquire('a');
    const revoked: string[] = [];
    inFlight.onRevoke({ onLeaseRevoked: (error) => revoked.push(error.code) });
    const pid = h.supervisor.status('a').pid;
    inFlight.release();
    h.clock.advance(30_000);

    const summary = await h.supervisor.reconfigure(
      nextConfig(h, [makeModel('a', { ttlMs: TTL_MS, name: 'Alpha', aliases: ['alpha'] }), makeModel('b', changedCmd('b'))], { groups: [trio] }),
    );
    expect(summary).toEqual({ kept: ['a'], restarted: ['b'], added: [], removed: [], stopped: [] });
    expect(h.fakes('a')).toHaveLength(1);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'ready', pid });
    expect(revoked).toEqual([]);

    h.clock.advance(TTL_MS - 30_000 - 1);
    await flush();
    expect(h.fake('a').state).toBe('ready');
    h.clock.advance(1);
    await waitForState(h.fake('a'), 'stopped');
    expect(h.fake('a').stopReasons).toEqual(['ttl']);
  });

  it('a new ttl counts from when the model went idle', async () => {
    const h = setup([makeModel('a', { ttlMs: TTL_MS })]);
    (await acquireReady(h, 'a')).release();
    h.clock.advance(30_000);
    await h.supervisor.reconfigure(nextConfig(h, [makeModel('a', { ttlMs: 40_000 })]));
    h.clock.advance(9_999);
    await flush();
    expect(h.fake('a').state).toBe('ready');
    h.clock.advance(1);
    await waitForState(h.fake('a'), 'stopped');
  });

  it('a request in flight survives the reload and releases normally', async () => {
    const h = setup([makeModel('a'), makeModel('b')], { config: { groups: [trio] } });
    const lease = await acquireReady(h, 'a');
    const revoked: string[] = [];
    lease.onRevoke({ onLeaseRevoked: (error) => revoked.push(error.code) });
    await h.supervisor.reconfigure(nextConfig(h, [makeModel('a', { concurrencyLimit: 1 }), makeModel('c')], { groups: [trio] }));
    expect(h.supervisor.status('a').inFlight).toBe(1);
    await expect(h.supervisor.acquire('a')).rejects.toMatchObject({ code: 'concurrency_limit' });
    lease.release();
    expect(revoked).toEqual([]);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'ready', inFlight: 0 });
    expect(h.fake('a').stopReasons).toEqual([]);
  });

  it('a process built with old timeouts is renewed at its next start, not while it runs', async () => {
    const h = setup([makeModel('a'), makeModel('b')], { config: { groups: [trio] } });
    (await acquireReady(h, 'a')).release();
    await h.supervisor.reconfigure(
      nextConfig(h, [makeModel('a', { unloadTimeoutMs: 1_000 }), makeModel('b', { healthCheckTimeoutMs: 1_000 })], { groups: [trio] }),
    );
    expect(h.fakes('a')).toHaveLength(1);
    expect(h.fakes('b')).toHaveLength(1);
    expect(h.fake('a').state).toBe('ready');
    const forB = h.supervisor.acquire('b');
    await flush();
    expect(h.fakes('b')).toHaveLength(2);
    h.fake('b').finishStart();
    (await forB).release();
    expect(h.fakes('b')[0]?.state).toBe('shutdown');
  });
});

describe('reconfigure: changed, removed and added models', () => {
  it('a changed model is drained, stopped, and its next request starts the new definition', async () => {
    const h = setup([makeModel('a'), makeModel('b')], { config: { groups: [trio] } });
    const lease = await acquireReady(h, 'b');
    const old = h.fake('b');
    const reload = track(h.supervisor.reconfigure(nextConfig(h, [makeModel('a'), makeModel('b', changedCmd('b'))], { groups: [trio] })));
    const queued = track(h.supervisor.acquire('b'));
    await flush();
    expect(reload.settled()).toBe(false);
    expect(queued.settled()).toBe(false);
    expect(old.state).toBe('ready');

    lease.release();
    expect(await reload.promise).toMatchObject({ kept: ['a'], restarted: ['b'], stopped: ['b'] });
    expect(old.stopReasons).toEqual(['reload']);
    expect(old.state).toBe('shutdown');
    const fresh = h.fake('b');
    expect(fresh).not.toBe(old);
    await waitForState(fresh, 'starting');
    fresh.finishStart();
    const next = await queued.promise;
    expect(next.waitedForLoad).toBe(true);
    expect(h.supervisor.status('b').pid).toBe(fresh.pid);
  });

  it('a changed model whose request does not end is cut at its unloadTimeout', async () => {
    const h = setup([makeModel('a', { unloadTimeoutMs: 5_000 })]);
    const lease = await acquireReady(h, 'a');
    const revoked: string[] = [];
    lease.onRevoke({ onLeaseRevoked: (error) => revoked.push(error.code) });
    const reload = track(h.supervisor.reconfigure(nextConfig(h, [makeModel('a', changedCmd('a'))])));
    h.clock.advance(4_999);
    await flush();
    expect(revoked).toEqual([]);
    h.clock.advance(1);
    expect(revoked).toEqual(['model_unloaded']);
    expect(await reload.promise).toMatchObject({ restarted: ['a'], stopped: ['a'] });
  });

  it('a removed model is stopped, its waiters get model_not_found, and it is gone', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const lease = await acquireReady(h, 'a');
    const reload = h.supervisor.reconfigure(nextConfig(h, [makeModel('b')]));
    const waiting = h.supervisor.acquire('a');
    lease.release();
    expect(await reload).toEqual({ kept: ['b'], restarted: [], added: [], removed: ['a'], stopped: ['a'] });
    await expect(waiting).rejects.toMatchObject({ code: 'model_not_found', status: 404 });
    expect(h.fakes('a')[0]?.state).toBe('shutdown');
    expect(() => h.supervisor.status('a')).toThrow(/not configured/);
    await expect(h.supervisor.acquire('a')).rejects.toMatchObject({ code: 'model_not_found' });
    expect(h.supervisor.statuses().map((s) => s.id)).toEqual(['b']);
  });

  it('an added model exists at once, waits for the new rules, then starts', async () => {
    const h = setup([makeModel('a'), makeModel('b')], { config: { groups: [trio] } });
    const lease = await acquireReady(h, 'b');
    const duo: GroupConfig = { ...trio, members: ['a', 'd'] };
    const reload = track(h.supervisor.reconfigure(nextConfig(h, [makeModel('a'), makeModel('d')], { groups: [duo] })));
    const forD = track(h.supervisor.acquire('d'));
    await flush();
    expect(h.fake('d').starts).toBe(0);
    expect(forD.settled()).toBe(false);
    lease.release();
    expect(await reload.promise).toEqual({ kept: ['a'], restarted: [], added: ['d'], removed: ['b'], stopped: ['b'] });
    await waitForState(h.fake('d'), 'starting');
    h.fake('d').finishStart();
    (await forD.promise).release();
    expect(h.supervisor.statuses().map((s) => s.id)).toEqual(['a', 'd']);
  });
});

describe('reconfigure: swap exclusivity and queued requests', () => {
  it('a queued swap and a restart never run two swap-group members at once', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const leaseA = await acquireReady(h, 'a');
    const forB = track(h.supervisor.acquire('b'));
    const reload = h.supervisor.reconfigure(nextConfig(h, [makeModel('a', changedCmd('a')), makeModel('b')]));
    leaseA.release();
    await reload;
    await waitForState(h.fake('b'), 'starting');
    h.fake('b').finishStart();
    (await forB.promise).release();
    const forA = h.supervisor.acquire('a');
    await waitForState(h.fake('a'), 'starting');
    h.fake('a').finishStart();
    (await forA).release();
    expect(h.fakes('a')).toHaveLength(2);
    expect(maxRunningAtOnce(h.events)).toBe(1);
  });

  it('members that move into one swap group are stopped before the new rule applies', async () => {
    const h = setup([makeModel('a'), makeModel('b')], { config: { groups: [trio] } });
    (await acquireReady(h, 'a')).release();
    (await acquireReady(h, 'b')).release();
    const summary = await h.supervisor.reconfigure(nextConfig(h, [makeModel('a'), makeModel('b')]));
    expect(summary).toMatchObject({ restarted: ['a', 'b'], stopped: ['a', 'b'] });
    const events = h.events.length;
    (await acquireReady(h, 'a')).release();
    const forB = h.supervisor.acquire('b');
    await waitForState(h.fake('b'), 'starting');
    h.fake('b').finishStart();
    (await forB).release();
    expect(maxRunningAtOnce(h.events.slice(events))).toBe(1);
  });

  it('a start in progress of a changed model is cancelled; its waiter gets the new definition', async () => {
    const h = setup([makeModel('a')]);
    const waiting = h.supervisor.acquire('a');
    const old = h.fake('a');
    await waitForState(old, 'starting');
    const summary = await h.supervisor.reconfigure(nextConfig(h, [makeModel('a', changedCmd('a'))]));
    expect(summary).toMatchObject({ restarted: ['a'], stopped: ['a'] });
    expect(old.state).toBe('shutdown');
    expect(h.logs.some((r) => r.msg === 'a: load cancelled: a config reload replaces the model')).toBe(true);
    await waitForState(h.fake('a'), 'starting');
    expect(h.fake('a')).not.toBe(old);
    h.fake('a').finishStart();
    const lease: Lease = await waiting;
    expect(lease.baseUrl).toBe(h.fake('a').baseUrl);
  });

  it('reconfigures one at a time', async () => {
    const h = setup([makeModel('a')]);
    const lease = await acquireReady(h, 'a');
    const first = track(h.supervisor.reconfigure(nextConfig(h, [makeModel('a', changedCmd('a'))])));
    const second = track(h.supervisor.reconfigure(nextConfig(h, [makeModel('a', changedCmd('a')), makeModel('e')])));
    await flush();
    expect(first.settled()).toBe(false);
    expect(second.settled()).toBe(false);
    lease.release();
    expect(await first.promise).toMatchObject({ restarted: ['a'] });
    expect(await second.promise).toMatchObject({ kept: ['a'], added: ['e'] });
  });

  it('a shutdown overtakes a reload in progress and stops each process once', async () => {
    const h = setup([makeModel('a'), makeModel('b')], { config: { groups: [trio] } });
    await acquireReady(h, 'a');
    const reload = h.supervisor.reconfigure(nextConfig(h, [makeModel('b')], { groups: [] }));
    await h.supervisor.shutdown({ graceMs: 0 });
    await expect(reload).rejects.toMatchObject({ code: 'shutting_down' });
    for (const id of ['a', 'b']) {
      expect(h.fakes(id)).toHaveLength(1);
      expect(h.fake(id).shutdownCalls).toHaveLength(1);
    }
  });
});
