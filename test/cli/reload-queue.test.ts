// One reload at a time; what arrives meanwhile collapses into one more reload (latest wins).
import { describe, expect, it } from 'vitest';
import { ReloadQueue } from '../../src/cli/reload-queue.js';
import { createDeferred, type Deferred } from '../../src/shared/deferred.js';

function recorder(): { runs: string[]; gates: Array<Deferred<void>>; queue: ReloadQueue } {
  const runs: string[] = [];
  const gates: Array<Deferred<void>> = [];
  const queue = new ReloadQueue((trigger) => {
    runs.push(trigger);
    const gate = createDeferred<void>();
    gates.push(gate);
    return gate.promise;
  });
  return { runs, gates, queue };
}

describe('ReloadQueue', () => {
  it('runs requests made during a reload as one more reload after it, never two at once', async () => {
    const { runs, gates, queue } = recorder();
    const first = queue.request('watch');
    const second = queue.request('watch');
    const third = queue.request('SIGHUP');
    expect(second).toBe(third);
    expect(runs).toEqual(['watch']);
    gates[0]?.resolve();
    await first;
    await Promise.resolve();
    expect(runs).toEqual(['watch', 'watch+SIGHUP']);
    gates[1]?.resolve();
    await third;
    expect(runs).toHaveLength(2);
  });

  it('starts nothing once closed, and close waits for the reload in progress', async () => {
    const { runs, gates, queue } = recorder();
    void queue.request('watch');
    const queued = queue.request('watch');
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    gates[0]?.resolve();
    await closing;
    await queued;
    await queue.request('SIGHUP');
    expect(runs).toEqual(['watch']);
  });
});
