// The pages' views of the data: Models (live state joined with the details, groups, TTL left),
// Activity (filters and sort) and Performance (time buckets per model).
import { describe, expect, it } from 'vitest';
import type { ActivityEntry, ApiModel, UiModelDetail, UiModelsResponse } from '../../../ui/src/api/types';
import { describeStatus, matchesActivity, sortActivity } from '../../../ui/src/state/activity-view';
import { buildModelViews, getTtlLeftMs, groupModels, matchesFilter } from '../../../ui/src/state/model-view';
import { buildActivitySeries, buildLoadSeries } from '../../../ui/src/state/series';

const live = (id: string, state: string, peerID = ''): ApiModel => ({ id, name: '', description: '', state, unlisted: false, peerID });
const detail = (id: string, patch: Partial<UiModelDetail> = {}): UiModelDetail => ({
  id, name: null, description: null, aliases: [], unlisted: false, groupId: 'g', peer: null, state: 'stopped', pid: null, port: null,
  ttlMs: 0, inFlight: 0, queued: 0, lastStartMs: null, readyAtMs: null, startingAtMs: null, idleSinceMs: null, lastFailure: null, ...patch,
});
const failure = { atMs: 1, code: 'upstream_start_failed', message: 'exited', exitCode: 3, signal: null, timedOut: false, logTail: [] };
const row = (id: number, patch: Partial<ActivityEntry> = {}): ActivityEntry => ({
  id, timestamp: new Date(1_000_000 + id * 1000).toISOString(), src: 'local', model: 'a', req_path: '/v1/chat/completions', method: 'POST',
  resp_content_type: 'text/event-stream', resp_status_code: 200, outcome: 'ok', tokens: {}, duration_ms: id, request_id: `req-${id}`, ...patch,
});

describe('Models view', () => {
  const details: UiModelsResponse = {
    nowMs: 0,
    groups: [{ id: 'g', swap: true, exclusive: false, persistent: false, implicit: false }, { id: '(default)', swap: true, exclusive: true, persistent: false, implicit: true }],
    models: [detail('a', { name: 'Alpha', aliases: ['x1'] }), detail('b', { lastFailure: failure }), detail('c', { groupId: '(default)' }), detail('p/big', { groupId: null, peer: 'p', state: null })],
  };

  it('takes the state from the live list, shows "failed" for a stopped model with a failure, and counts requests', () => {
    const inflight = [{ id: '1', model: 'a' }, { id: '2', model: 'a' }] as never[];
    const views = buildModelViews([live('a', 'ready'), live('b', 'stopped'), live('p/big', '', 'p')], details, inflight);
    expect(views.map((v) => [v.id, v.state, v.requests, v.groupId])).toEqual([
      ['a', 'ready', 2, 'g'],
      ['b', 'failed', 0, 'g'],
      ['c', 'stopped', 0, '(default)'],
      ['p/big', 'peer', 0, null],
    ]);
    expect(views.filter((v) => matchesFilter(v, 'X1')).map((v) => v.id)).toEqual(['a']);
  });

  it('groups as the config does, then peers', () => {
    const sections = groupModels(buildModelViews([], details, []), details.groups);
    expect(sections.map((s) => [s.title, s.notes, s.models.map((m) => m.id)])).toEqual([
      ['Group g', ['swap: one at a time'], ['a', 'b']],
      ['Not in a group', ['swap: one at a time', 'exclusive: stops other groups'], ['c']],
      ['Peer p', ['served by another swapgate or llama-swap'], ['p/big']],
    ]);
  });

  it('counts the TTL down only while the model is ready and idle', () => {
    const ready = detail('a', { state: 'ready', ttlMs: 60_000, idleSinceMs: 10_000 });
    expect(getTtlLeftMs(ready, 40_000)).toBe(30_000);
    expect(getTtlLeftMs(ready, 90_000)).toBe(0);
    expect(getTtlLeftMs({ ...ready, inFlight: 1 }, 40_000)).toBeNull();
    expect(getTtlLeftMs({ ...ready, ttlMs: 0 }, 40_000)).toBeNull();
    expect(getTtlLeftMs({ ...ready, state: 'starting' }, 40_000)).toBeNull();
  });
});

describe('Activity view', () => {
  const rows = [row(1), row(2, { model: 'b', outcome: 'upstream_error', resp_status_code: 502 }), row(3, { outcome: 'cancelled', key_name: 'ops' })];

  it('filters by model, ok / not ok / one outcome, and text (path, request id, key)', () => {
    const ids = (filters: { model?: string; status?: string; text?: string }): number[] =>
      rows.filter((r) => matchesActivity(r, { model: '', status: '', text: '', ...filters })).map((r) => r.id);
    expect([ids({ model: 'b' }), ids({ status: 'ok' }), ids({ status: 'errors' }), ids({ status: 'cancelled' }), ids({ text: 'OPS' }), ids({ text: 'req-2' })]).toEqual([
      [2], [1], [2, 3], [3], [3], [2],
    ]);
    expect(rows.map(describeStatus)).toEqual(['200', '502 upstream_error', '200 cancelled']);
  });

  it('sorts by a column either way, unreported figures last when descending', () => {
    const speeds = [row(1, { tokens: { tokens_per_second: 20 } }), row(2), row(3, { tokens: { tokens_per_second: 40 } })];
    expect(sortActivity(speeds, { key: 'gen_speed', descending: true }).map((r) => r.id)).toEqual([3, 1, 2]);
    expect(sortActivity(rows, { key: 'time', descending: false }).map((r) => r.id)).toEqual([1, 2, 3]);
  });
});

describe('Performance series', () => {
  const w = { nowMs: 1_000_000 + 10_500, windowMs: 10_000, bucketMs: 5_000 };

  it('buckets requests per model: req/s, median tok/s and TTFT; null where nothing happened', () => {
    const rows = [row(6, { tokens: { tokens_per_second: 30 }, ttft_ms: 100 }), row(7, { tokens: { tokens_per_second: 50 }, ttft_ms: 300 }), row(10, { model: 'b' }), row(1)];
    expect(buildActivitySeries(rows, w, 'requests')).toEqual({ times: [1005, 1010], series: [{ label: 'a', values: [0.4, null] }, { label: 'b', values: [null, 0.2] }] });
    expect(buildActivitySeries(rows, w, 'speed').series[0]).toEqual({ label: 'a', values: [40, null] });
    expect(buildActivitySeries(rows, w, 'ttft').series[1]).toEqual({ label: 'b', values: [null, null] });
  });

  it('counts loads (→ starting) per model', () => {
    const changes = [
      { atMs: 1_006_000, model: 'a', from: 'stopped', to: 'starting' },
      { atMs: 1_006_500, model: 'a', from: 'starting', to: 'ready' },
      { atMs: 1_011_000, model: 'a', from: 'stopped', to: 'starting' },
    ];
    expect(buildLoadSeries(changes, w)).toEqual({ times: [1005, 1010], series: [{ label: 'a', values: [1, 1] }] });
  });
});
