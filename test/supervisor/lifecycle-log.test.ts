// The lifecycle lines at info level, parsed from the log records: exact timings come from the
// fake clock, which moves only when the test says so.
import { describe, expect, it } from 'vitest';
import { upstreamStartError } from '../../src/shared/errors.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { waitForState } from './fake-process.js';
import { acquireReady, flush, setup, type Harness, type LogRecord } from './harness.js';

/** The records of model lifecycle events, oldest first. */
function lifecycle(h: Harness): LogRecord[] {
  return h.logs.filter((r) => typeof r.event === 'string' && r.event.startsWith('model.'));
}

function messages(h: Harness): string[] {
  return lifecycle(h).map((r) => r.msg);
}

describe('lifecycle lines', () => {
  it('a start: "starting", then "ready in N ms", and nothing else at info', async () => {
    const h = setup([makeModel('a')]);
    const pending = h.supervisor.acquire('a');
    await waitForState(h.fake('a'), 'starting');
    h.clock.advance(412);
    h.fake('a').finishStart();
    (await pending).release();
    await flush(); // the waiter gets its lease as the state changes; the start's line follows
    expect(lifecycle(h)).toEqual([
      { level: 30, time: expect.any(Number), event: 'model.starting', model: 'a', msg: 'a: starting' },
      { level: 30, time: expect.any(Number), event: 'model.ready', model: 'a', readyMs: 412, pid: h.fake('a').pid, msg: 'a: ready in 412 ms' },
    ]);
    expect(h.logs.filter((r) => Number(r.level) >= 30)).toEqual(lifecycle(h));
  });

  it('a swap: the victim unloaded, the target starting, then one line with its three timings', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    const busy = await acquireReady(h, 'a');
    const before = lifecycle(h).length;
    const forB = h.supervisor.acquire('b');
    await flush();
    h.clock.advance(3); // a's request still runs: b waits for it to drain
    h.fake('a').autoStop = false;
    busy.release();
    await waitForState(h.fake('a'), 'stopping');
    h.clock.advance(80);
    h.fake('a').finishStop();
    await waitForState(h.fake('b'), 'starting');
    h.clock.advance(438);
    h.fake('b').finishStart();
    (await forB).release();
    await flush();

    expect(lifecycle(h).slice(before)).toEqual([
      expect.objectContaining({ event: 'model.unloaded', model: 'a', reason: 'swap', stoppedMs: 80, msg: 'a: unloaded (swap) in 80 ms' }),
      expect.objectContaining({ event: 'model.starting', model: 'b', msg: 'b: starting' }),
      expect.objectContaining({
        event: 'model.swap',
        model: 'b',
        victims: ['a'],
        drainedMs: 3,
        stoppedMs: 80,
        readyMs: 438,
        msg: 'swap a → b: drained in 3 ms, stopped in 80 ms, b ready in 438 ms',
      }),
    ]);
  });

  it('unloads say why: ttl (in seconds), api, reload, shutdown', async () => {
    const h = setup([makeModel('a', { ttlMs: 300_000 }), makeModel('b'), makeModel('c')], {
      config: { groups: [{ id: 'all', members: ['a', 'b', 'c'], swap: false, exclusive: true, persistent: false, implicit: false }] },
    });
    (await acquireReady(h, 'a')).release();
    (await acquireReady(h, 'b')).release();
    (await acquireReady(h, 'c')).release();
    h.clock.advance(300_000);
    await waitForState(h.fake('a'), 'stopped');
    await h.supervisor.unload('b', 'api');
    const next = makeConfig([makeModel('a', { ttlMs: 300_000 }), makeModel('b'), makeModel('c', { cmd: ['srv', '--v2'] })], {
      startPort: h.config.startPort,
      groups: [{ id: 'all', members: ['a', 'b', 'c'], swap: false, exclusive: true, persistent: false, implicit: false }],
    });
    expect(await h.supervisor.reconfigure(next)).toMatchObject({ restarted: ['c'], stopped: ['c'] });
    (await acquireReady(h, 'b')).release();
    await h.supervisor.shutdown({ graceMs: 0 });

    expect(messages(h).filter((m) => m.includes('unloaded'))).toEqual([
      'a: unloaded (ttl 300 s) in 0 ms',
      'b: unloaded (api) in 0 ms',
      'c: unloaded (reload) in 0 ms',
      'b: unloaded (shutdown) in 0 ms',
    ]);
    expect(lifecycle(h).find((r) => r.reason === 'ttl')).toMatchObject({ event: 'model.unloaded', model: 'a', stoppedMs: 0 });
  });

  it('an unexpected exit: one warning with the exit code, the requests it hit and its last output', async () => {
    const h = setup([makeModel('a')]);
    const lease = await acquireReady(h, 'a');
    const pid = h.fake('a').pid;
    h.fake('a').crash(1, ['loading model', 'CUDA error: out of memory']);
    const exits = h.logs.filter((r) => r.msg.includes('exited unexpectedly'));
    expect(exits).toEqual([
      {
        level: 40,
        time: expect.any(Number),
        event: 'model.exited',
        model: 'a',
        pid,
        exitCode: 1,
        signal: null,
        inFlight: 1,
        logTail: ['loading model', 'CUDA error: out of memory'],
        msg: 'a: exited unexpectedly (code 1), 1 request(s) in flight',
      },
    ]);
    lease.release();
  });

  it('a failed start: one warning with how long it tried and the error', async () => {
    const h = setup([makeModel('a')]);
    const pending = h.supervisor.acquire('a');
    await waitForState(h.fake('a'), 'starting');
    h.clock.advance(1500);
    const failure = upstreamStartError({ modelId: 'a', exitCode: 2, signal: null, timedOut: false, durationMs: 1500, logTail: ['bad flag'] });
    h.fake('a').failStart(failure);
    await expect(pending).rejects.toBe(failure);
    expect(lifecycle(h).at(-1)).toMatchObject({
      level: 40,
      event: 'model.start_failed',
      model: 'a',
      failedMs: 1500,
      err: { code: 'upstream_start_failed' },
      msg: 'a: failed to start after 1500 ms',
    });
    expect(messages(h)).not.toContainEqual(expect.stringMatching(/ready in/));
  });
});
