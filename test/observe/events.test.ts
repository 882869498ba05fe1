// GET /api/events in llama-swap's frame format: a snapshot (logs, models, requests in flight),
// then model states, log lines, requests in flight and finished requests as they happen, in
// order. A client that stops reading is dropped once its unsent bytes pass the bound, while the
// others carry on; every stream ends when the daemon goes away.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../src/observe/activity-entry.js';
import type { ApiModel } from '../../src/observe/model-status.js';
import { makeModel } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { readEvents, startObserved, type EventFrame, type Observed } from './observe-harness.js';

let o: Observed | null = null;
afterEach(async () => {
  await o?.close();
  o = null;
});

const stateOf = (frame: EventFrame, model: string): string | undefined =>
  frame.type === 'modelStatus' ? (frame.data as ApiModel[]).find((m) => m.id === model)?.state : undefined;

describe('/api/events', () => {
  it('sends a snapshot, then model states and the finished request, in order', async () => {
    o = await startObserved({ models: [makeModel('m'), makeModel('other')], config: { peers: [{ id: 'far', proxy: 'http://127.0.0.1:9', models: ['x'], apiKey: null, filters: { stripParams: [], setParams: {}, setParamsByID: {} } }] } });
    const events = await readEvents(o);
    const snapshot = await events.next((f) => f.type === 'modelStatus');
    expect(snapshot.data).toEqual([
      { id: 'm', name: '', description: '', state: 'stopped', unlisted: false, peerID: '' },
      { id: 'other', name: '', description: '', state: 'stopped', unlisted: false, peerID: '' },
      { id: 'far/x', name: '', description: '', state: '', unlisted: false, peerID: 'far' },
    ]);
    expect((await events.next((f) => f.type === 'inflight')).data).toEqual({ operation: 'snapshot', requests: [] });

    const res = await o.chat({ model: 'm', messages: [] }, 'evented');
    await res.text();
    const at = (match: (f: EventFrame) => boolean): number => events.frames.indexOf(events.frames.find(match) as EventFrame);
    await events.next((f) => f.type === 'activity');
    const starting = at((f) => stateOf(f, 'm') === 'starting');
    const ready = at((f) => stateOf(f, 'm') === 'ready');
    const admitted = at((f) => f.type === 'inflight' && (f.data as { operation: string }).operation === 'upsert');
    const removed = at((f) => f.type === 'inflight' && (f.data as { operation: string }).operation === 'remove');
    const activity = at((f) => f.type === 'activity');
    expect(starting).toBeGreaterThan(0);
    expect([starting < ready, admitted < ready, ready < removed, removed < activity]).toEqual([true, true, true, true]);
    expect(events.frames[activity]?.data).toMatchObject({ request_id: 'evented', model: 'm', outcome: 'ok', id: 1 });
    expect(events.frames[admitted]?.data).toMatchObject({ operation: 'upsert', request: { model: 'm', req_path: '/v1/chat/completions', method: 'POST', request_id: 'evented' } });
    // The request's log line reached the stream too.
    await events.next((f) => f.type === 'logData' && String((f.data as { data: string }).data).includes('"reqId":"evented"'));
    await events.cancel();
  });

  it('drops a client that stops reading; the others keep getting events', async () => {
    o = await startObserved({ models: [makeModel('m')], observe: { eventsMaxBufferedBytes: 256 * 1024 } });
    const fast = await readEvents(o);
    await fast.next((f) => f.type === 'modelStatus');
    const slow = connect(o.port, '127.0.0.1');
    slow.on('error', () => undefined); // dropping it is the point
    slow.pause();
    slow.write('GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n');
    const observed = o;
    await waitFor(() => observed.observe.events.size === 2, { what: 'both clients connected' });
    // Log lines, a little at a time (the fast client reads them between polls), until the slow
    // client's socket and buffer are full.
    const line = 'x'.repeat(64 * 1024);
    await waitFor(
      () => {
        for (let i = 0; i < 2; i++) observed.hub.proxy(line);
        return observed.observe.events.dropped > 0;
      },
      { timeoutMs: 15_000, what: 'the slow client dropped' },
    );
    expect([observed.observe.events.dropped, observed.observe.events.size]).toEqual([1, 1]);
    slow.destroy();
    const seen = fast.frames.length;
    await (await o.chat({ model: 'm', messages: [] }, 'after-drop')).text();
    const activity = await fast.next((f) => f.type === 'activity', seen);
    expect((activity.data as ActivityEntry).request_id).toBe('after-drop');
    await waitFor(() => observed.hub.history('proxy').some((l) => l.includes('/api/events client dropped')), { what: 'the drop logged' });
    await fast.cancel();
  });

  it('ends every stream when the daemon goes away (the log hub ends)', async () => {
    o = await startObserved({ models: [makeModel('m')] });
    const events = await readEvents(o);
    await events.next((f) => f.type === 'modelStatus');
    o.hub.end();
    await events.ended;
    expect(o.observe.events.size).toBe(0);
    // A client arriving after that gets an empty stream, not a hanging one.
    const late = await o.request('/api/events');
    expect(await late.text()).toBe('');
  });
});
