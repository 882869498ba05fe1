// GET /metrics parsed as Prometheus reads it: swapgate's per-model counters and histograms move
// with traffic, model states, starts, load times and swaps come from the supervisor's events,
// default process metrics are there, and running upstreams that serve /metrics (llama-server
// --metrics; the fake serves the same names) are re-exposed with a model label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addModelLabel, mergeUpstreamMetrics } from '../../src/observe/relabel-metrics.js';
import { makeModel } from '../helpers/model-config.js';
import { startObserved, type Observed } from './observe-harness.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A small text-format parser: samples with their labels, and the TYPE of each family (one each). */
function parseProm(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      expect(types.has(type[1] as string), `TYPE ${type[1]} declared twice`).toBe(false);
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] as string] = pair[2] as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return { samples, types };
}

describe('/metrics', () => {
  let o: Observed;
  const scrape = async (): Promise<{ samples: Sample[]; types: Map<string, string> }> => {
    const res = await o.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parseProm(await res.text());
  };
  const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  beforeAll(async () => {
    // a and b swap (one implicit group); a's server serves --metrics, b's answers 501.
    o = await startObserved({ models: [makeModel('a', { cmd: [...makeModel('a').cmd, '--metrics', '--timings'] }), makeModel('b')] });
  });
  afterAll(() => o.close());

  it('counts requests, tokens, speeds and first tokens per model, with states, starts and swaps', async () => {
    const before = await scrape();
    expect(value(before.samples, 'swapgate_model_state', { model: 'a', state: 'stopped' })).toBe(1);
    expect(before.types.get('swapgate_requests_total')).toBe('counter');
    expect(value(before.samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    for (const id of ['p1', 'p2']) await (await o.chat({ model: 'a', messages: [{ role: 'user', content: 'x y' }] }, id)).json();
    await (await o.chat({ model: 'a', messages: [], stream: true, fake_chunks: 3 }, 'p3')).text();
    await o.entry('p3');
    const after = (await scrape()).samples;
    expect(value(after, 'swapgate_requests_total', { model: 'a', route: '/v1/chat/completions', status: '200' })).toBe(3);
    expect(value(after, 'swapgate_tokens_total', { model: 'a', kind: 'prompt' })).toBe(4);
    expect(value(after, 'swapgate_tokens_total', { model: 'a', kind: 'completion' })).toBe(4 + 4 + 3); // "a says: x y" twice, then three chunks
    expect(value(after, 'swapgate_tokens_total', { model: 'a', kind: 'cached' })).toBe(0);
    expect(value(after, 'swapgate_request_duration_seconds_count', { model: 'a' })).toBe(3);
    expect(value(after, 'swapgate_time_to_first_token_seconds_count', { model: 'a' })).toBe(1);
    expect(value(after, 'swapgate_generation_tokens_per_second_bucket', { model: 'a', le: '50' })).toBe(3);
    expect(value(after, 'swapgate_model_state', { model: 'a', state: 'ready' })).toBe(1);
    expect(value(after, 'swapgate_model_starts_total', { model: 'a', result: 'ok' })).toBe(1);
    expect(value(after, 'swapgate_model_load_seconds_count', { model: 'a' })).toBe(1);
    expect(value(after, 'swapgate_inflight_requests', { model: 'a' })).toBe(0);
    expect(value(after, 'swapgate_queue_depth', { model: 'a' })).toBe(0);

    await (await o.chat({ model: 'b', messages: [] }, 'swap-to-b')).json();
    const swapped = (await scrape()).samples;
    expect(value(swapped, 'swapgate_swaps_total')).toBe(1);
    expect(value(swapped, 'swapgate_model_state', { model: 'a', state: 'stopped' })).toBe(1);
    expect(value(swapped, 'swapgate_requests_total', { model: 'b', route: '/v1/chat/completions', status: '200' })).toBe(1);
  });

  it('re-exposes a running upstream\'s own metrics with a model label, and stops asking one that has none', async () => {
    await (await o.chat({ model: 'a', messages: [{ role: 'user', content: 'one two three' }] }, 'u1')).json();
    const { samples, types } = await scrape();
    expect(types.get('llamacpp:prompt_tokens_total')).toBe('counter');
    expect(value(samples, 'llamacpp:prompt_tokens_total', { model: 'a' })).toBeGreaterThanOrEqual(3);
    expect(value(samples, 'llamacpp:requests_processing', { model: 'a' })).toBe(0);
    // b ran before and answered 501: it is not asked again while it stays on that address.
    await (await o.chat({ model: 'b', messages: [] }, 'u2')).json();
    await scrape();
    await scrape();
    const stats = (await (await fetch(`${o.supervisor.status('b').baseUrl}/fake/stats`)).json()) as { byPath: Record<string, number> };
    expect(stats.byPath['/metrics']).toBe(1);
  });

  it('relabels samples with and without labels, keeps an upstream "model" label, merges families', () => {
    expect(addModelLabel('x_total 3', 'm')).toBe('x_total{model="m"} 3');
    expect(addModelLabel('x_total{} 3', 'm')).toBe('x_total{model="m"} 3');
    expect(addModelLabel('x{le="0.5"} 1 1700000000', 'a"b')).toBe('x{model="a\\"b",le="0.5"} 1 1700000000');
    expect(addModelLabel('x{model="gguf",other_model="k"} 1', 'm')).toBe('x{model="m",exported_model="gguf",other_model="k"} 1');
    const text = (n: number): string => `# HELP h_seconds help\n# TYPE h_seconds histogram\nh_seconds_bucket{le="+Inf"} ${n}\nh_seconds_sum 1\nh_seconds_count ${n}\n# TYPE mine counter\nmine 1\n`;
    expect(mergeUpstreamMetrics([{ model: 'a', text: text(1) }, { model: 'b', text: text(2) }], new Set(['mine']))).toBe(
      [
        '# HELP h_seconds help',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{model="a",le="+Inf"} 1',
        'h_seconds_sum{model="a"} 1',
        'h_seconds_count{model="a"} 1',
        'h_seconds_bucket{model="b",le="+Inf"} 2',
        'h_seconds_sum{model="b"} 1',
        'h_seconds_count{model="b"} 2',
        '',
      ].join('\n'),
    );
  });
});
