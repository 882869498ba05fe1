import { describe, expect, it } from 'vitest';
import type { ProcessState } from '../../src/process/types.js';
import { planSchedule, type ModelView, type ScheduleView } from '../../src/supervisor/plan-schedule.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';

// a, b in the implicit (swap + exclusive) group.
const config = makeConfig([makeModel('a'), makeModel('b')]);
const STARVATION_MS = 10_000;

function model(state: ProcessState, inFlight = 0, concurrencyLimit = 10): ModelView {
  return { state, inFlight, concurrencyLimit };
}

function view(overrides: Partial<ScheduleView>): ScheduleView {
  return {
    now: 0,
    starvationMs: STARVATION_MS,
    config,
    models: new Map([
      ['a', model('stopped')],
      ['b', model('stopped')],
    ]),
    waiters: [],
    stopRequests: new Map(),
    op: null,
    ...overrides,
  };
}

describe('planSchedule', () => {
  it('starts the oldest waiter’s model when nothing runs', () => {
    const plan = planSchedule(view({ waiters: [{ modelId: 'a', enqueuedAt: 0 }] }));
    expect(plan.next).toEqual({ kind: 'swap', target: 'a', victims: [] });
    expect(plan.admit).toEqual([]);
  });

  it('serves a running model’s waiters ahead of an older swap, which waits for the drain', () => {
    const plan = planSchedule(
      view({
        now: 500,
        models: new Map([
          ['a', model('ready', 1)],
          ['b', model('stopped')],
        ]),
        waiters: [
          { modelId: 'b', enqueuedAt: 0 },
          { modelId: 'a', enqueuedAt: 100 },
        ],
      }),
    );
    expect(plan.admit).toEqual([1]);
    expect(plan.next).toBeNull();
    expect(plan.closed.has('a')).toBe(false);
    expect(plan.draining).toEqual([]);
    expect(plan.wakeAt).toBe(STARVATION_MS);
  });

  it('closes the victims of a starving swap so they drain', () => {
    const plan = planSchedule(
      view({
        now: STARVATION_MS,
        models: new Map([
          ['a', model('ready', 1)],
          ['b', model('stopped')],
        ]),
        waiters: [
          { modelId: 'b', enqueuedAt: 0 },
          { modelId: 'a', enqueuedAt: 100 },
        ],
      }),
    );
    expect(plan.admit).toEqual([]);
    expect([...plan.closed]).toEqual(['a']);
    expect(plan.draining).toEqual(['a']);
    expect(plan.next).toBeNull();
  });

  it('swaps once the victims are idle', () => {
    const plan = planSchedule(
      view({
        models: new Map([
          ['a', model('ready', 0)],
          ['b', model('stopped')],
        ]),
        waiters: [{ modelId: 'b', enqueuedAt: 0 }],
      }),
    );
    expect(plan.next).toEqual({ kind: 'swap', target: 'b', victims: ['a'] });
  });

  it('admits no more than the concurrency limit', () => {
    const plan = planSchedule(
      view({
        models: new Map([
          ['a', model('ready', 1, 2)],
          ['b', model('stopped')],
        ]),
        waiters: [
          { modelId: 'a', enqueuedAt: 0 },
          { modelId: 'a', enqueuedAt: 0 },
        ],
      }),
    );
    expect(plan.admit).toEqual([0]);
  });

  it('plans nothing new while a swap is in progress, and its target’s waiters just wait', () => {
    const plan = planSchedule(
      view({
        models: new Map([
          ['a', model('stopping')],
          ['b', model('stopped')],
        ]),
        waiters: [
          { modelId: 'b', enqueuedAt: 0 },
          { modelId: 'a', enqueuedAt: 1 },
        ],
        op: { target: 'b', victims: ['a'] },
      }),
    );
    expect(plan.next).toBeNull();
    expect(plan.admit).toEqual([]);
    expect(plan.closed.has('a')).toBe(true);
  });

  it('runs stop requests for drained models, closes unloads, settles requests for stopped models', () => {
    const plan = planSchedule(
      view({
        models: new Map([
          ['a', model('ready', 1)],
          ['b', model('stopped')],
        ]),
        waiters: [{ modelId: 'a', enqueuedAt: 0 }],
        stopRequests: new Map([
          ['a', { closes: true }],
          ['b', { closes: true }],
        ]),
      }),
    );
    expect(plan.closed.has('a')).toBe(true);
    expect(plan.admit).toEqual([]);
    expect(plan.next).toBeNull();
    expect(plan.stopsDone).toEqual(['b']);
    expect(plan.draining).toEqual(['a']);

    const drained = planSchedule(
      view({ models: new Map([['a', model('ready', 0)]]), stopRequests: new Map([['a', { closes: false }]]) }),
    );
    expect(drained.next).toEqual({ kind: 'stop', victims: ['a'] });
    expect(drained.draining).toEqual([]);
  });
});
