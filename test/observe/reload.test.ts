// The activity store, the event streams and the metric registry belong to the daemon, not to a
// config generation: after a reload (a new app and supervisor attached to the same
// Observability, the old ones retired) the rows and counters are still there, ids go on, and an
// /api/events client stays connected and is told the new model list.
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiModel } from '../../src/observe/model-status.js';
import { createApp, type SwapgateApp } from '../../src/server/app.js';
import { silentLogger } from '../../src/shared/logger.js';
import type { Supervisor } from '../../src/supervisor/types.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { createRealSupervisor } from '../helpers/real-supervisor.js';
import { readEvents, startObserved, type Observed } from './observe-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a config reload', () => {
  it('keeps rows, counters and event clients; the new generation feeds them', async () => {
    const o: Observed = await startObserved({ models: [makeModel('a')] });
    cleanups.push(() => o.close());
    const events = await readEvents(o);
    await (await o.chat({ model: 'a', messages: [] }, 'before')).json();
    await o.entry('before');

    const config = makeConfig([makeModel('b')], { metricsMaxInMemory: 5 });
    const { supervisor }: { supervisor: Supervisor } = createRealSupervisor(config);
    const next: SwapgateApp = createApp({ config, supervisor, logger: silentLogger(), hub: o.hub, observe: o.observe });
    cleanups.push(async () => {
      next.close();
      await supervisor.shutdown({ graceMs: 0, force: true });
    });
    o.server.replaceApp(next);
    await events.next((f) => f.type === 'modelStatus' && (f.data as ApiModel[]).some((m) => m.id === 'b'));
    // The old generation retires: its supervisor's shutdown events are not the new model list.
    o.swapgate.close();
    await o.supervisor.shutdown({ graceMs: 0 });

    await (await o.chat({ model: 'b', messages: [] }, 'after')).json();
    expect((await o.entry('after')).id).toBe(2);
    expect(o.observe.activity.oldestFirst().map((e) => e.request_id)).toEqual(['before', 'after']);
    const lastModels = events.frames.filter((f) => f.type === 'modelStatus').at(-1)?.data as ApiModel[];
    expect(lastModels.map((m) => [m.id, m.state])).toEqual([['b', 'ready']]);
    const metrics = await (await o.request('/metrics')).text();
    expect(metrics).toContain('swapgate_requests_total{model="a",route="/v1/chat/completions",status="200"} 1');
    expect(metrics).toContain('swapgate_requests_total{model="b",route="/v1/chat/completions",status="200"} 1');
    expect(o.observe.events.size).toBe(1);
    await events.cancel();
  });
});
