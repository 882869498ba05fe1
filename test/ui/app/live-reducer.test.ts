// The /api/events frames as the UI reads them: the SSE parser, the frame decoder and the reducer
// that folds events into the live state (models, requests in flight, activity, logs).
import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../../ui/src/api/sse-parser';
import type { ActivityEntry, ApiModel, InflightEntry } from '../../../ui/src/api/types';
import { decodeFrame } from '../../../ui/src/state/event-frames';
import { EMPTY_STATE, MAX_LOG_LINES, mergeActivity, reduceLive, resetForReconnect } from '../../../ui/src/state/live-reducer';

/** A frame as the daemon writes it (src/observe/event-streams.ts formatEventFrame). */
const frame = (type: string, data: unknown): string => JSON.stringify({ type, data: JSON.stringify(data) });
const model = (id: string, state: string): ApiModel => ({ id, name: '', description: '', state, unlisted: false, peerID: '' });
const row = (id: number, model = 'm'): ActivityEntry => ({
  id, timestamp: '2026-12-05T10:00:00.000Z', src: 'local', model, req_path: '/v1/chat/completions', method: 'POST',
  resp_content_type: 'application/json', resp_status_code: 200, outcome: 'ok', tokens: {}, duration_ms: 5, request_id: `r${id}`,
});
const request = (id: string, bytes = 0): InflightEntry => ({
  id, timestamp: '2026-12-05T10:00:00.000Z', model: 'm', src: 'local', req_path: '/v1/chat/completions', method: 'POST', remote_ip: '127.0.0.1', resp_bytes: bytes, elapsed_ms: 1, request_id: `q${id}`,
});

describe('SSE parser', () => {
  it('joins data lines, keeps the event name, skips comments, and survives any split of the bytes', () => {
    const text = 'event:message\ndata:{"a":\ndata: 1}\n\n: keep-alive\n\r\ndata:x\r\n\r\nevent:other\ndata:y\n\n';
    for (const size of [1, 3, 7, text.length]) {
      const events: SseEvent[] = [];
      const feed = createSseParser((e) => events.push(e));
      for (let i = 0; i < text.length; i += size) feed(text.slice(i, i + size));
      expect(events).toEqual([
        { event: 'message', data: '{"a":\n1}' },
        { event: 'message', data: 'x' },
        { event: 'other', data: 'y' },
      ]);
    }
  });

  it('holds an event until its blank line arrives', () => {
    const events: SseEvent[] = [];
    const feed = createSseParser((e) => events.push(e));
    feed('data:half');
    expect(events).toEqual([]);
    feed('\n\n');
    expect(events).toEqual([{ event: 'message', data: 'half' }]);
  });
});

describe('frame decoder', () => {
  it('reads each event type from its JSON-string payload', () => {
    expect(decodeFrame(frame('modelStatus', [model('a', 'ready')]))).toEqual({ type: 'modelStatus', models: [model('a', 'ready')] });
    expect(decodeFrame(frame('logData', { source: 'proxy', data: 'x\n' }))).toEqual({ type: 'logData', log: { source: 'proxy', data: 'x\n' } });
    expect(decodeFrame(frame('activity', row(3)))).toEqual({ type: 'activity', entry: row(3) });
    expect(decodeFrame(frame('inflight', { operation: 'remove', id: '4' }))).toEqual({ type: 'inflight', update: { operation: 'remove', id: '4' } });
  });

  it('drops what it cannot read instead of throwing', () => {
    for (const bad of ['', 'not json', '{"type":"modelStatus","data":{}}', frame('modelStatus', {}), frame('logData', { source: 'x', data: '' }), frame('activity', null), frame('newKind', 1)]) {
      expect(decodeFrame(bad), bad).toBeNull();
    }
  });
});

describe('live reducer', () => {
  it('replaces the models and records each state change it sees (not the first snapshot)', () => {
    let state = reduceLive(EMPTY_STATE, { type: 'modelStatus', models: [model('a', 'stopped'), model('b', 'ready')] }, 1000);
    expect(state.transitions).toEqual([]);
    state = reduceLive(state, { type: 'modelStatus', models: [model('a', 'starting'), model('b', 'ready')] }, 2000);
    state = reduceLive(state, { type: 'modelStatus', models: [model('a', 'ready'), model('b', 'stopping')] }, 3000);
    expect(state.models.map((m) => m.state)).toEqual(['ready', 'stopping']);
    expect(state.transitions).toEqual([
      { atMs: 2000, model: 'a', from: 'stopped', to: 'starting' },
      { atMs: 3000, model: 'a', from: 'starting', to: 'ready' },
      { atMs: 3000, model: 'b', from: 'ready', to: 'stopping' },
    ]);
  });

  it('keeps requests in flight from a snapshot, upserts (new or progress) and removes', () => {
    let state = reduceLive(EMPTY_STATE, { type: 'inflight', update: { operation: 'snapshot', requests: [request('1')] } }, 0);
    state = reduceLive(state, { type: 'inflight', update: { operation: 'upsert', request: request('2') } }, 0);
    state = reduceLive(state, { type: 'inflight', update: { operation: 'upsert', request: request('1', 512) } }, 0);
    expect(state.inflight.map((r) => [r.id, r.resp_bytes])).toEqual([['1', 512], ['2', 0]]);
    state = reduceLive(state, { type: 'inflight', update: { operation: 'remove', id: '1' } }, 0);
    expect(state.inflight.map((r) => r.id)).toEqual(['2']);
  });

  it('keeps finished requests newest first, each once, the newest 1000 at most', () => {
    let state = reduceLive(EMPTY_STATE, { type: 'activity', entry: row(2) }, 0);
    state = { ...state, activity: mergeActivity(state.activity, [row(1), row(2), row(3)]) };
    expect(state.activity.map((r) => r.id)).toEqual([3, 2, 1]);
    const many = Array.from({ length: 1200 }, (_, i) => row(i + 1));
    expect(mergeActivity([], many).map((r) => r.id).slice(0, 2)).toEqual([1200, 1199]);
    expect(mergeActivity([], many)).toHaveLength(1000);
  });

  it('splits log data into numbered lines per source, capped', () => {
    let state = reduceLive(EMPTY_STATE, { type: 'logData', log: { source: 'proxy', data: 'one\ntwo\n' } }, 0);
    state = reduceLive(state, { type: 'logData', log: { source: 'upstream', data: '[m] three\n' } }, 0);
    expect(state.logs.proxy).toEqual([{ seq: 1, text: 'one' }, { seq: 2, text: 'two' }]);
    expect(state.logs.upstream).toEqual([{ seq: 3, text: '[m] three' }]);
    const burst = `${Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => `line ${i}`).join('\n')}\n`;
    state = reduceLive(state, { type: 'logData', log: { source: 'proxy', data: burst } }, 0);
    expect(state.logs.proxy).toHaveLength(MAX_LOG_LINES);
    expect(state.logs.proxy.at(-1)?.text).toBe(`line ${MAX_LOG_LINES + 4}`);
  });

  it('starts over on a reconnect (the snapshot follows), keeping the activity and the state changes seen', () => {
    let state = reduceLive(EMPTY_STATE, { type: 'activity', entry: row(1) }, 0);
    state = reduceLive(state, { type: 'logData', log: { source: 'proxy', data: 'x\n' } }, 0);
    state = reduceLive(state, { type: 'modelStatus', models: [model('a', 'ready')] }, 0);
    const fresh = resetForReconnect(state);
    expect([fresh.models, fresh.logs.proxy, fresh.inflight]).toEqual([[], [], []]);
    expect(fresh.activity).toBe(state.activity);
    expect(fresh.nextSeq).toBe(state.nextSeq);
  });
});
