import { describe, expect, it } from 'vitest';
import type { Lease } from '../../src/supervisor/types.js';
import { makeModel } from '../helpers/model-config.js';
import { waitForState } from './fake-process.js';
import { acquireReady, flush, setup, track } from './harness.js';

describe('swapping', () => {
  it('drains the running model before evicting it', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const leaseA = await acquireReady(h, 'a');
    const forB = track(h.supervisor.acquire('b'));
    await flush();
    expect(h.fake('a').state).toBe('ready');
    expect(h.fake('b').starts).toBe(0);
    expect(forB.settled()).toBe(false);

    leaseA.release();
    await waitForState(h.fake('b'), 'starting');
    h.fake('b').finishStart();
    const leaseB = await forB.promise;
    expect(leaseB.waitedForLoad).toBe(true);
    expect(h.events).toEqual([
      'a:stopped>starting',
      'a:starting>ready',
      'a:ready>stopping',
      'a:stopping>stopped',
      'b:stopped>starting',
      'b:starting>ready',
    ]);
    expect(h.fake('a').stopReasons).toEqual(['swap']);
  });

  it('collates A B A B into A A B B', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const order: string[] = [];
    const acquire = (id: string): Promise<Lease> =>
      h.supervisor.acquire(id).then((lease) => {
        order.push(id);
        return lease;
      });
    const a1 = acquire('a');
    const b1 = acquire('b');
    const a2 = acquire('a');
    const b2 = acquire('b');
    await waitForState(h.fake('a'), 'starting');
    h.fake('a').finishStart();
    const leasesA = await Promise.all([a1, a2]);
    await flush();
    expect(order).toEqual(['a', 'a']);

    for (const lease of leasesA) lease.release();
    await waitForState(h.fake('b'), 'starting');
    h.fake('b').finishStart();
    await Promise.all([b1, b2]);
    expect(order).toEqual(['a', 'a', 'b', 'b']);
    expect(h.fake('a').starts + h.fake('b').starts).toBe(2);
  });

  it('serves requests for the running model ahead of a queued swap', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const first = await acquireReady(h, 'a');
    const forB = track(h.supervisor.acquire('b'));
    const second = await h.supervisor.acquire('a');
    expect(second.waitedForLoad).toBe(false);
    first.release();
    await flush();
    expect(forB.settled()).toBe(false);
    expect(h.fake('a').state).toBe('ready');
    second.release();
    await waitForState(h.fake('b'), 'starting');
    h.fake('b').finishStart();
    await forB.promise;
  });

  it('bounds starvation: after starvationMs the running model takes no new requests and drains', async () => {
    const h = setup([makeModel('a'), makeModel('b')], { starvationMs: 10_000 });
    const a1 = await acquireReady(h, 'a');
    const forB = track(h.supervisor.acquire('b'));

    h.clock.advance(5_000);
    const a2 = await h.supervisor.acquire('a'); // overlaps a1: a never drains on its own
    a1.release();
    h.clock.advance(4_999);
    const a3 = await h.supervisor.acquire('a');
    a2.release();
    expect(h.fake('a').state).toBe('ready');

    h.clock.advance(1); // b has now waited 10 s
    const lateA = track(h.supervisor.acquire('a'));
    await flush();
    expect(lateA.settled()).toBe(false);
    expect(h.supervisor.status('a')).toMatchObject({ state: 'ready', inFlight: 1, queued: 1 });

    a3.release();
    await waitForState(h.fake('b'), 'starting');
    h.fake('b').finishStart();
    const leaseB = await forB.promise;
    expect(lateA.settled()).toBe(false);

    leaseB.release();
    await waitForState(h.fake('a'), 'starting');
    h.fake('a').finishStart();
    (await lateA.promise).release();
    expect(h.events.filter((e) => e.endsWith('>starting'))).toEqual([
      'a:stopped>starting',
      'b:stopped>starting',
      'a:stopped>starting',
    ]);
  });

  it('lets members of a swap:false group run together', async () => {
    const h = setup([makeModel('x'), makeModel('y')], {
      config: {
        groups: [
          { id: 'duo', members: ['x', 'y'], swap: false, exclusive: true, persistent: false, implicit: false },
        ],
      },
    });
    const x = await acquireReady(h, 'x');
    const y = await acquireReady(h, 'y');
    expect(h.supervisor.statuses().map((s) => [s.id, s.state, s.inFlight])).toEqual([
      ['x', 'ready', 1],
      ['y', 'ready', 1],
    ]);
    x.release();
    y.release();
  });

  it('an exclusive group evicts other groups but spares persistent ones', async () => {
    const group = (id: string, members: string[], exclusive: boolean, persistent: boolean) => ({
      id,
      members,
      swap: true,
      exclusive,
      persistent,
      implicit: false,
    });
    const h = setup([makeModel('e'), makeModel('k'), makeModel('o')], {
      config: {
        groups: [group('ex', ['e'], true, false), group('keep', ['k'], false, true), group('other', ['o'], false, false)],
      },
    });
    (await acquireReady(h, 'k')).release();
    (await acquireReady(h, 'o')).release();
    const e = await acquireReady(h, 'e');
    expect(h.supervisor.statuses().map((s) => [s.id, s.state])).toEqual([
      ['e', 'ready'],
      ['k', 'ready'],
      ['o', 'stopped'],
    ]);
    e.release();
  });
});
