// routing.scheduler.settings.fifo.priority in the supervisor (fake processes): queued swaps go
// by model priority, higher first, arrival order among equals, as llama-swap's FIFO.enqueue;
// collation (requests for a model that is up go first) still holds.
import { describe, expect, it } from 'vitest';
import type { Lease, LoadProgress } from '../../src/supervisor/types.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { waitForState } from './fake-process.js';
import { acquireReady, flush, setup, type Harness } from './harness.js';

const IDS = ['a', 'b', 'c', 'd', 'e'];
const PRIORITY = { c: 10, d: 5, e: 5 };

function priorityHarness(priority: Record<string, number>): Harness {
  return setup(IDS.map((id) => makeModel(id)), { config: { routing: { router: { use: 'group' }, fifoPriority: priority } } });
}

/** Models in the order they started (each start finished at once, each lease released). */
async function serveInTurn(h: Harness, pending: ReadonlyMap<string, Promise<Lease>>): Promise<string[]> {
  const started: string[] = [];
  for (let turn = 0; turn < pending.size; turn++) {
    const next = [...pending.keys()].find((id) => h.fake(id).state === 'starting' && !started.includes(id));
    if (next === undefined) throw new Error(`no model is starting (started so far: ${started.join(', ')})`);
    started.push(next);
    h.fake(next).finishStart();
    (await pending.get(next))?.release();
    await flush();
  }
  return started;
}

describe('fifo priority', () => {
  it('queued swaps start by priority, then by arrival', async () => {
    const h = priorityHarness(PRIORITY);
    const busy = await acquireReady(h, 'a');
    const positions: string[] = [];
    const pending = new Map<string, Promise<Lease>>();
    for (const id of ['b', 'd', 'c', 'e']) {
      const onProgress = (p: LoadProgress): void => void (p.kind === 'queued' && positions.push(`${id}@${p.position}`));
      pending.set(id, h.supervisor.acquire(id, { onProgress }));
    }
    expect(positions).toEqual(['b@1', 'd@1', 'c@1', 'e@3']);
    busy.release();
    await waitForState(h.fake('c'), 'starting');
    expect(await serveInTurn(h, pending)).toEqual(['c', 'd', 'e', 'b']);
  });

  it('without priorities the queue is plain FIFO', async () => {
    const h = priorityHarness({});
    const busy = await acquireReady(h, 'a');
    const pending = new Map(['b', 'd', 'c', 'e'].map((id) => [id, h.supervisor.acquire(id)] as const));
    busy.release();
    await waitForState(h.fake('b'), 'starting');
    expect(await serveInTurn(h, pending)).toEqual(['b', 'd', 'c', 'e']);
  });

  it('requests for the running model are still served ahead of a higher-priority swap', async () => {
    const h = priorityHarness(PRIORITY);
    const first = await acquireReady(h, 'a');
    const forC = h.supervisor.acquire('c');
    const second = await h.supervisor.acquire('a');
    expect(second.waitedForLoad).toBe(false);
    first.release();
    second.release();
    await waitForState(h.fake('c'), 'starting');
    h.fake('c').finishStart();
    (await forC).release();
  });

  it('a reload that changes priorities reorders the requests already queued', async () => {
    const h = priorityHarness({});
    const busy = await acquireReady(h, 'a');
    const pending = new Map(['b', 'c'].map((id) => [id, h.supervisor.acquire(id)] as const));
    const models = IDS.map((id) => makeModel(id));
    await h.supervisor.reconfigure(makeConfig(models, { startPort: h.config.startPort, routing: { router: { use: 'group' }, fifoPriority: { c: 1 } } }));
    busy.release();
    await waitForState(h.fake('c'), 'starting');
    expect(await serveInTurn(h, pending)).toEqual(['c', 'b']);
  });
});
