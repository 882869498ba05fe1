// GET /api/metrics/activity reads the store as llama-swap's handler does (filters, pagination,
// sorting with ties by id, the same 400 messages) and GET /api/metrics/stats sums it up. The
// store is seeded directly; the routes are asked over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../src/observe/activity-entry.js';
import { makeHistogram, percentile } from '../../src/observe/activity-stats.js';
import { makeModel } from '../helpers/model-config.js';
import { startObserved, type Observed } from './observe-harness.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

interface Seed {
  model: string;
  atSec: number;
  duration: number;
  gen?: number;
  prompt?: number;
  ttft?: number;
  src?: string;
  outcome?: string;
}

function entry(seed: Seed): ActivityEntry {
  const tokens = seed.gen === undefined ? {} : { input_tokens: seed.prompt ?? 10, output_tokens: 5, cache_tokens: 2, prompt_per_second: 100, tokens_per_second: seed.gen };
  return {
    id: 0,
    timestamp: new Date(T0 + seed.atSec * 1000).toISOString(),
    src: seed.src ?? 'local',
    model: seed.model,
    req_path: '/v1/chat/completions',
    method: 'POST',
    resp_content_type: 'application/json',
    resp_status_code: 200,
    outcome: seed.outcome ?? 'ok',
    tokens,
    duration_ms: seed.duration,
    ...(seed.ttft === undefined ? {} : { ttft_ms: seed.ttft }),
    request_id: `seed-${seed.atSec}`,
    has_capture: false,
  };
}

// ids 1..6 in this order
const SEEDS: Seed[] = [
  { model: 'a', atSec: 0, duration: 30, gen: 10, ttft: 100 },
  { model: 'b', atSec: 10, duration: 10, gen: 20, ttft: 200 },
  { model: 'a', atSec: 20, duration: 30 },
  { model: 'c', atSec: 30, duration: 5, gen: 40, src: 'peer:far', outcome: 'upstream_error' },
  { model: 'a', atSec: 40, duration: 50, gen: 30, ttft: 300 },
  { model: 'b', atSec: 50, duration: 20 },
];

interface Page {
  data: ActivityEntry[];
  page: number;
  limit: number;
  total: number;
  total_pages: number;
}

describe('/api/metrics/activity and /api/metrics/stats', () => {
  let o: Observed;
  const ids = async (query: string): Promise<number[]> => {
    const res = await o.request(`/api/metrics/activity${query}`);
    expect(res.status, query).toBe(200);
    return ((await res.json()) as Page).data.map((e) => e.id);
  };

  beforeAll(async () => {
    o = await startObserved({ models: [makeModel('a')] });
    for (const seed of SEEDS) o.observe.activity.push(entry(seed));
  });
  afterAll(() => o.close());

  it('defaults: newest first, 25 a page, with the page counts', async () => {
    const res = await o.request('/api/metrics/activity');
    expect(res.headers.get('content-type')).toContain('application/json');
    const page = (await res.json()) as Page;
    expect(page).toMatchObject({ page: 1, limit: 25, total: 6, total_pages: 1 });
    expect(page.data.map((e) => e.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(page.data[1]).toEqual({ ...entry(SEEDS[4] as Seed), id: 5 });
  });

  it('paginates, filters by model (repeatable), time, id range and source prefix', async () => {
    const page = (await (await o.request('/api/metrics/activity?limit=4&page=2')).json()) as Page;
    expect(page).toMatchObject({ page: 2, limit: 4, total: 6, total_pages: 2 });
    expect(page.data.map((e) => e.id)).toEqual([2, 1]);
    expect(await ids('?limit=4&page=3')).toEqual([]);
    expect(await ids('?model=a')).toEqual([5, 3, 1]);
    expect(await ids('?model=a&model=%20c%20&model=')).toEqual([5, 4, 3, 1]);
    expect(await ids('?start=2030-01-01T00:00:10Z&end=2030-01-01T01:00:30%2B01:00')).toEqual([4, 3, 2]);
    expect(await ids('?min_id=2&max_id=4')).toEqual([4, 3, 2]);
    expect(await ids('?src_prefix=peer:')).toEqual([4]);
  });

  it('sorts by a column, ties by id in the same direction, unreported figures lowest', async () => {
    expect(await ids('?sort=duration&order=asc')).toEqual([4, 2, 6, 1, 3, 5]);
    expect(await ids('?sort=duration')).toEqual([5, 3, 1, 6, 2, 4]);
    expect(await ids('?sort=gen_speed&order=ASC')).toEqual([3, 6, 1, 2, 5, 4]);
    expect(await ids('?sort=model&order=asc&limit=2')).toEqual([1, 3]);
    expect(await ids('?sort=time&order=asc&model=b')).toEqual([2, 6]);
  });

  it('answers 400 with llama-swap\'s messages', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit must be between 1 and 999'],
      ['limit=1000', 'limit must be between 1 and 999'],
      ['limit=ten', 'invalid limit'],
      ['page=0', 'page must be >= 1'],
      ['page=x', 'page must be >= 1'],
      ['sort=bogus', 'invalid sort column'],
      ['order=up', 'order must be asc or desc'],
      ['start=yesterday', "invalid 'start' timestamp, use RFC3339 format"],
      ['end=2030-01-01', "invalid 'end' timestamp, use RFC3339 format"],
      ['start=2030-01-02T00:00:00Z&end=2030-01-01T00:00:00Z', 'start must be before end'],
      ['min_id=0', 'min_id must be >= 1'],
      ['max_id=-3', 'max_id must be >= 1'],
      ['min_id=5&max_id=2', 'min_id must be <= max_id'],
    ];
    for (const [query, message] of cases) {
      const res = await o.request(`/api/metrics/activity?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, query).toBe(message);
    }
  });

  it('stats: totals, outcomes and distributions, for all models or one', async () => {
    const all = (await (await o.request('/api/metrics/stats')).json()) as Record<string, unknown>;
    expect(all).toMatchObject({
      total_requests: 6,
      total_input_tokens: 40,
      total_output_tokens: 20,
      total_cache_tokens: 8,
      outcomes: { ok: 5, upstream_error: 1 },
      gen_histogram: { min: 10, max: 40, p50: 25, p95: 38.5, bins: [1, 1, 0, 1, 1] },
      ttft_histogram: { min: 100, max: 300, p50: 200 },
    });
    const a = (await (await o.request('/api/metrics/stats?model=a')).json()) as Record<string, unknown>;
    expect(a).toMatchObject({ total_requests: 3, total_output_tokens: 10, prompt_histogram: { bins: [2], binSize: 0, p50: 100 } });
    const none = (await (await o.request('/api/metrics/stats?model=nobody')).json()) as Record<string, unknown>;
    expect(none).toMatchObject({ total_requests: 0, prompt_histogram: null, gen_histogram: null, ttft_histogram: null });
  });

  it('histograms bin like llama-swap (Sturges, 5 to 20 bins) and interpolate percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    const h = makeHistogram(Array.from({ length: 100 }, (_, i) => i));
    expect(h?.bins).toHaveLength(8);
    expect(h?.bins.reduce((a, b) => a + b, 0)).toBe(100);
    expect(h).toMatchObject({ min: 0, max: 99, p50: 49.5 });
    expect(h?.p99).toBeCloseTo(98.01, 6);
    expect(makeHistogram([])).toBeNull();
  });
});
