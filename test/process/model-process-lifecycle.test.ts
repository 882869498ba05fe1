import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isSwapgateError } from '../../src/shared/errors.js';
import { fakeCmd } from '../helpers/model-config.js';
import { createHarness, isProcessGone, type Harness } from './process-harness.js';

let harness: Harness = createHarness();
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await harness.cleanup();
  await Promise.all(closers.splice(0).map((close) => close()));
  harness = createHarness();
});

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  return res.json();
}

describe('ModelProcess lifecycle', () => {
  it('goes stopped → starting → ready → stopping → stopped and serves in between', async () => {
    const { proc, transitions, changes } = harness.create(harness.model('a'));
    expect(proc.state).toBe('stopped');
    await proc.ensureReady();
    expect(proc.state).toBe('ready');
    expect(proc.baseUrl).toBe(`http://127.0.0.1:${proc.port}`);
    expect(await getJson(`${proc.baseUrl}/fake/stats`)).toMatchObject({ pid: proc.pid, model: 'a' });
    expect(proc.lastStartMs).toBeGreaterThan(0);
    const pid = proc.pid ?? -1;

    await proc.stop('unload');
    expect(transitions()).toEqual(['stopped→starting', 'starting→ready', 'ready→stopping', 'stopping→stopped']);
    expect(changes.map((c) => c.reason)).toEqual(['request', 'healthy', 'unload', 'unload']);
    expect(changes.at(-1)?.pid).toBe(pid);
    expect(isProcessGone(pid)).toBe(true);
    expect([proc.state, proc.pid, proc.port, proc.baseUrl]).toEqual(['stopped', null, null, null]);
    expect(proc.logTail()).toEqual(expect.arrayContaining([expect.stringMatching(/^READY \d+$/), 'SIGTERM received']));
  });

  it('is starting as soon as ensureReady returns', async () => {
    const { proc, transitions } = harness.create(harness.model('a'));
    const ready = proc.ensureReady();
    expect(proc.state).toBe('starting');
    expect(transitions()).toEqual(['stopped→starting']);
    await ready;
  });

  it('rejects the waiters of a start that stop() interrupts, and stops cleanly', async () => {
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--ready-after-ms', '10000') }));
    const outcome = rec.proc.ensureReady().catch((error: unknown) => error);
    await rec.waitForLine(/^LISTENING/);
    const pid = rec.proc.pid ?? -1;
    await rec.proc.stop('swap');
    expect(await outcome).toMatchObject({ code: 'aborted' });
    expect(rec.transitions()).toEqual(['stopped→starting', 'starting→stopping', 'stopping→stopped']);
    expect(isProcessGone(pid)).toBe(true);
  });

  it('waits for a stop in progress, then starts again', async () => {
    const rec = harness.create(harness.model('a'));
    await rec.proc.ensureReady();
    const firstPid = rec.proc.pid;
    const stopping = rec.proc.stop('swap');
    await rec.proc.ensureReady();
    await stopping;
    expect(rec.proc.pid).not.toBe(firstPid);
    expect(rec.transitions().slice(2)).toEqual(['ready→stopping', 'stopping→stopped', 'stopped→starting', 'starting→ready']);
  });

  it('shares one start among 5 concurrent ensureReady calls', async () => {
    const { proc, changes } = harness.create(harness.model('a', { cmd: fakeCmd('--ready-after-ms', '200') }));
    await Promise.all(Array.from({ length: 5 }, () => proc.ensureReady()));
    expect(changes.filter((c) => c.to === 'starting')).toHaveLength(1);
    expect(new Set(changes.map((c) => c.pid).filter((pid) => pid !== null))).toEqual(new Set([proc.pid]));
  });

  it('cancels the start when its only waiter aborts, and leaves nothing running', async () => {
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--ready-after-ms', '10000') }));
    const controller = new AbortController();
    const ready = rec.proc.ensureReady(controller.signal);
    await rec.waitForLine(/^LISTENING \d+$/);
    const pid = rec.proc.pid ?? -1;
    controller.abort();
    await expect(ready).rejects.toMatchObject({ code: 'aborted' });
    await rec.waitForState('stopped');
    expect(rec.transitions()).toEqual(['stopped→starting', 'starting→stopping', 'stopping→stopped']);
    expect(rec.changes.at(-1)?.reason).toBe('cancelled');
    expect(isProcessGone(pid)).toBe(true);
  });

  it('keeps starting while another waiter remains when one aborts', async () => {
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--ready-after-ms', '300') }));
    const controller = new AbortController();
    const leaving = rec.proc.ensureReady(controller.signal);
    const staying = rec.proc.ensureReady();
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ code: 'aborted' });
    await staying;
    expect(rec.transitions()).toEqual(['stopped→starting', 'starting→ready']);
  });

  it('reports an unexpected exit after ready and restarts on the next ensureReady', async () => {
    const rec = harness.create(harness.model('a'));
    await rec.proc.ensureReady();
    const firstPid = rec.proc.pid ?? -1;
    const exited = once(rec.proc, 'unexpectedExit');
    process.kill(firstPid, 'SIGKILL');
    expect(await exited).toEqual([{ pid: firstPid, exitCode: null, signal: 'SIGKILL', logTail: expect.any(Array) }]);
    expect(rec.proc.state).toBe('stopped');
    expect(rec.changes.at(-1)).toMatchObject({ from: 'ready', to: 'stopped', reason: 'exited', pid: firstPid });
    expect(rec.proc.lastFailure).toMatchObject({
      code: 'upstream_died',
      message: 'model "a" exited unexpectedly (code none, signal SIGKILL)',
      reason: 'exited',
      signal: 'SIGKILL',
    });

    await rec.proc.ensureReady();
    expect(rec.proc.lastFailure).toBeNull();
    expect(rec.proc.pid).not.toBe(firstPid);
    expect(await getJson(`${rec.proc.baseUrl}/fake/stats`)).toMatchObject({ pid: rec.proc.pid });
  });

  it('skips a port that is already taken, starting the search at startPort', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    closers.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const taken = (blocker.address() as AddressInfo).port;
    const rec = harness.create(harness.model('a'), { startPort: taken });
    await rec.proc.ensureReady();
    expect(rec.proc.port).not.toBe(taken);
    expect(rec.proc.port).toBeGreaterThan(taken);
    expect(rec.proc.port).toBeLessThanOrEqual(taken + 1000);
  });

  it('gives two models of one daemon different ports and releases them on stop', async () => {
    const a = harness.create(harness.model('a'));
    const b = harness.create(harness.model('b'));
    await Promise.all([a.proc.ensureReady(), b.proc.ensureReady()]);
    const ports = [a.proc.port ?? -1, b.proc.port ?? -1];
    expect(ports[0]).not.toBe(ports[1]);
    expect(ports.every((port) => harness.ports.has(port))).toBe(true);
    await Promise.all([a.proc.stop('unload'), b.proc.stop('unload')]);
    expect(ports.some((port) => harness.ports.has(port))).toBe(false);
  });

  it('is ready at spawn when checkEndpoint is null, and passes model env to the child', async () => {
    const script = 'console.log("ENV " + process.env.SWAPGATE_TEST_VAR); setInterval(() => {}, 1 << 30)';
    const model = harness.model('a', {
      cmd: [process.execPath, '-e', script],
      checkEndpoint: null,
      usesPort: false,
      proxy: 'http://127.0.0.1:9',
      env: { SWAPGATE_TEST_VAR: 'from-model' },
    });
    const rec = harness.create(model, { env: { PATH: '/usr/bin:/bin' } });
    await rec.proc.ensureReady();
    expect(rec.proc.port).toBeNull();
    expect(rec.proc.baseUrl).toBe('http://127.0.0.1:9');
    await rec.waitForLine(/^ENV from-model$/);
  });

  it('resolves stop at once when stopped, and shares one stop between concurrent callers', async () => {
    const rec = harness.create(harness.model('a'));
    await rec.proc.stop('unload');
    expect(rec.changes).toEqual([]);
    await rec.proc.ensureReady();
    const first = rec.proc.stop('unload');
    const second = rec.proc.stop('swap');
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(rec.changes.filter((c) => c.to === 'stopping')).toHaveLength(1);
  });

  it('refuses ensureReady after shutdown, with the shutdown state last', async () => {
    const rec = harness.create(harness.model('a'));
    await rec.proc.ensureReady();
    const pid = rec.proc.pid ?? -1;
    await rec.proc.shutdown();
    expect(rec.transitions().slice(-3)).toEqual(['ready→stopping', 'stopping→stopped', 'stopped→shutdown']);
    expect(isProcessGone(pid)).toBe(true);
    const error: unknown = await rec.proc.ensureReady().catch((e: unknown) => e);
    expect(isSwapgateError(error) && error.code).toBe('shutting_down');
  });

  it('rejects waiters of a start interrupted by shutdown', async () => {
    const rec = harness.create(harness.model('a', { cmd: fakeCmd('--ready-after-ms', '10000') }));
    const outcome = rec.proc.ensureReady().catch((error: unknown) => error);
    await rec.waitForLine(/^LISTENING/);
    await rec.proc.shutdown({ force: true });
    expect(await outcome).toMatchObject({ code: 'shutting_down' });
    expect(rec.proc.state).toBe('shutdown');
  });
});
