// The matrix router in the supervisor (fake processes, fake clock): a start stops only the
// running models outside the chosen set, each decision is logged once, a model in no set runs
// alone, and a reload keeps the models whose matrix placement did not change.
import { describe, expect, it } from 'vitest';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { matrixRouting } from '../helpers/matrix-routing.js';
import { acquireReady, setup, type Harness } from './harness.js';

const SETS = { standard: '(g | q) & v', full: 'L' };

function matrixHarness(ids: string[], sets: Record<string, string>, costs: Record<string, number> = {}): Harness {
  return setup(ids.map((id) => makeModel(id)), { config: { routing: matrixRouting(sets, costs) } });
}

const running = (h: Harness): string[] => h.supervisor.statuses().filter((s) => s.state === 'ready').map((s) => s.id);
const decisions = (h: Harness): string[] => h.logs.filter((l) => l.event === 'matrix.decision').map((l) => l.msg);

describe('matrix router', () => {
  it('stops only the models outside the cheapest set, and logs each decision', async () => {
    const h = matrixHarness(['g', 'q', 'v', 'L'], SETS, { v: 50 });
    (await acquireReady(h, 'g')).release();
    (await acquireReady(h, 'v')).release();
    expect(running(h)).toEqual(['g', 'v']);

    (await acquireReady(h, 'q')).release();
    expect(running(h)).toEqual(['q', 'v']);
    expect(h.fake('g').stopReasons).toEqual(['swap']);
    expect(h.fake('v').stopReasons).toEqual([]);
    expect(h.fake('v').starts).toBe(1);

    (await acquireReady(h, 'L')).release();
    expect(running(h)).toEqual(['L']);
    expect(decisions(h)).toEqual([
      'matrix: model=g set=standard evict=[] cost=0',
      'matrix: model=v set=standard evict=[] cost=0',
      'matrix: model=q set=standard evict=[g] cost=1',
      'matrix: model=L set=full evict=[q v] cost=51',
    ]);
    const last = h.logs.find((l) => l.msg.startsWith('matrix: model=L'));
    expect(last).toMatchObject({ model: 'L', set: 'full', dsl: 'L', evict: ['q', 'v'], targetSet: ['L'], cost: 51 });
  });

  it('a model in no set runs alone, and nothing else runs beside it', async () => {
    const h = matrixHarness(['a', 'b', 'x'], { pair: 'a & b' });
    (await acquireReady(h, 'a')).release();
    (await acquireReady(h, 'b')).release();
    (await acquireReady(h, 'x')).release();
    expect(running(h)).toEqual(['x']);
    (await acquireReady(h, 'a')).release();
    expect(running(h)).toEqual(['a']);
    expect(decisions(h).slice(2)).toEqual(['matrix: model=x set=(none) evict=[a b] cost=2', 'matrix: model=a set=pair evict=[x] cost=1']);
  });

  it('the group router logs no matrix decisions', async () => {
    const h = setup([makeModel('a'), makeModel('b')]);
    (await acquireReady(h, 'a')).release();
    (await acquireReady(h, 'b')).release();
    expect(decisions(h)).toEqual([]);
  });
});

describe('matrix router: config reload', () => {
  const reload = (h: Harness, sets: Record<string, string>, costs: Record<string, number> = {}) =>
    h.supervisor.reconfigure(makeConfig(['a', 'b', 'c'].map((id) => makeModel(id)), { startPort: h.config.startPort, routing: matrixRouting(sets, costs) }));

  it('keeps models whose sets did not change (costs and other sets apply in place)', async () => {
    const h = matrixHarness(['a', 'b', 'c'], { pair: 'a & b', solo: 'c' });
    (await acquireReady(h, 'a')).release();
    (await acquireReady(h, 'b')).release();
    const summary = await reload(h, { pair: 'a & b', solo: 'c | c' }, { a: 5 });
    expect(summary).toMatchObject({ kept: ['a', 'b'], restarted: ['c'], stopped: [] });
    expect(running(h)).toEqual(['a', 'b']);
    expect(h.fakes('a')).toHaveLength(1);
  });

  it('restarts the models of a set that changed, and every model when the router changes', async () => {
    const h = matrixHarness(['a', 'b', 'c'], { pair: 'a & b', solo: 'c' });
    (await acquireReady(h, 'a')).release();
    (await acquireReady(h, 'b')).release();
    expect(await reload(h, { pair: 'a & b & c' })).toMatchObject({ kept: [], restarted: ['a', 'b', 'c'], stopped: ['a', 'b'] });

    const back = await h.supervisor.reconfigure(makeConfig(['a', 'b', 'c'].map((id) => makeModel(id)), { startPort: h.config.startPort }));
    expect(back).toMatchObject({ kept: [], restarted: ['a', 'b', 'c'] });
  });
});
