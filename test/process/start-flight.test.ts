import { describe, expect, it } from 'vitest';
import { StartFlight } from '../../src/process/start-flight.js';
import { createDeferred } from '../../src/shared/deferred.js';

function makeFlight(): { flight: StartFlight; finish: (error?: Error) => void; abandoned: StartFlight[]; signals: AbortSignal[] } {
  const done = createDeferred<void>();
  const abandoned: StartFlight[] = [];
  const signals: AbortSignal[] = [];
  const flight = new StartFlight('m', (f) => abandoned.push(f));
  flight.launch((signal) => {
    signals.push(signal);
    signal.addEventListener('abort', () => done.reject(signal.reason), { once: true });
    return done.promise;
  });
  return { flight, finish: (error) => (error ? done.reject(error) : done.resolve()), abandoned, signals };
}

describe('StartFlight', () => {
  it('runs the start once and settles every waiter with its outcome', async () => {
    const { flight, finish, signals } = makeFlight();
    const waiters = [flight.join(), flight.join(), flight.join()];
    finish();
    await Promise.all(waiters);
    expect(signals).toHaveLength(1);
  });

  it('hands the start error to every waiter', async () => {
    const { flight, finish } = makeFlight();
    const waiters = [flight.join(), flight.join()].map((p) => p.catch((e: unknown) => e));
    const boom = new Error('boom');
    finish(boom);
    expect(await Promise.all(waiters)).toEqual([boom, boom]);
  });

  it('reports abandonment only when the last waiter leaves before the start settled', async () => {
    const { flight, finish, abandoned } = makeFlight();
    const a = new AbortController();
    const b = new AbortController();
    const first = flight.join(a.signal).catch((e: unknown) => e);
    const second = flight.join(b.signal).catch((e: unknown) => e);
    a.abort();
    expect(await first).toMatchObject({ code: 'aborted' });
    expect(abandoned).toEqual([]);
    b.abort();
    expect(await second).toMatchObject({ code: 'aborted' });
    expect(abandoned).toEqual([flight]);
    finish();
  });

  it('does not report abandonment after the start settled, and rejects a pre-aborted join', async () => {
    const { flight, finish, abandoned } = makeFlight();
    const controller = new AbortController();
    const waiter = flight.join(controller.signal);
    finish();
    await waiter;
    controller.abort();
    expect(abandoned).toEqual([]);
    await expect(flight.join(AbortSignal.abort())).rejects.toMatchObject({ code: 'aborted' });
  });

  it('rejects remaining waiters with the cancel reason', async () => {
    const { flight } = makeFlight();
    const waiter = flight.join().catch((e: unknown) => e);
    const reason = new Error('stopped');
    flight.cancel(reason);
    expect(await waiter).toBe(reason);
  });
});
