// Time series for the Performance page, bucketed from what the tab already has: finished requests
// (req/s, generation tok/s, time to first token per model) and the models' state changes seen
// (loads per model). Buckets hold null where nothing happened, so a chart shows a gap, not a 0.
import type { ActivityEntry } from '../api/types';
import type { ModelTransition } from './live-reducer';
import { median } from '../lib/tok-rate';

export interface Window {
  readonly nowMs: number;
  readonly windowMs: number;
  readonly bucketMs: number;
}

export interface SeriesSet {
  /** Bucket starts, epoch seconds (uPlot's x). */
  readonly times: readonly number[];
  readonly series: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

export type ActivityMetric = 'requests' | 'speed' | 'ttft';

function bucketStarts(w: Window): number[] {
  const count = Math.max(1, Math.round(w.windowMs / w.bucketMs));
  const last = Math.floor(w.nowMs / w.bucketMs) * w.bucketMs;
  return Array.from({ length: count }, (_, i) => last - (count - 1 - i) * w.bucketMs);
}

/** Items per model per bucket (items outside the window are dropped). */
function bucketize<T>(items: readonly T[], w: Window, model: (item: T) => string, atMs: (item: T) => number): { starts: number[]; byModel: Map<string, T[][]> } {
  const starts = bucketStarts(w);
  const first = starts[0] ?? 0;
  const byModel = new Map<string, T[][]>();
  for (const item of items) {
    const index = Math.floor((atMs(item) - first) / w.bucketMs);
    if (index < 0 || index >= starts.length) continue;
    const key = model(item);
    let buckets = byModel.get(key);
    if (buckets === undefined) {
      buckets = starts.map(() => []);
      byModel.set(key, buckets);
    }
    buckets[index]?.push(item);
  }
  return { starts, byModel };
}

function toSet(starts: readonly number[], byModel: Map<string, (number | null)[]>): SeriesSet {
  const labels = [...byModel.keys()].sort();
  return { times: starts.map((ms) => ms / 1000), series: labels.map((label) => ({ label, values: byModel.get(label) ?? [] })) };
}

const VALUE: Readonly<Record<ActivityMetric, (rows: readonly ActivityEntry[], bucketSec: number) => number | null>> = {
  requests: (rows, bucketSec) => (rows.length === 0 ? null : rows.length / bucketSec),
  speed: (rows) => median(rows.flatMap((r) => (r.tokens.tokens_per_second === undefined ? [] : [r.tokens.tokens_per_second]))),
  ttft: (rows) => median(rows.flatMap((r) => (r.ttft_ms === undefined ? [] : [r.ttft_ms]))),
};

/** req/s (count per second of bucket), median generation tok/s, or median TTFT (ms), per model. */
export function buildActivitySeries(rows: readonly ActivityEntry[], w: Window, metric: ActivityMetric): SeriesSet {
  const { starts, byModel } = bucketize(rows, w, (r) => r.model, (r) => Date.parse(r.timestamp));
  const values = new Map<string, (number | null)[]>();
  for (const [model, buckets] of byModel) values.set(model, buckets.map((bucket) => VALUE[metric](bucket, w.bucketMs / 1000)));
  return toSet(starts, values);
}

/** Starts (→ starting) per model per bucket: each is a load, most of them swaps. */
export function buildLoadSeries(transitions: readonly ModelTransition[], w: Window): SeriesSet {
  const starts = transitions.filter((t) => t.to === 'starting');
  const { starts: times, byModel } = bucketize(starts, w, (t) => t.model, (t) => t.atMs);
  const values = new Map<string, (number | null)[]>();
  for (const [model, buckets] of byModel) values.set(model, buckets.map((bucket) => (bucket.length === 0 ? null : bucket.length)));
  return toSet(times, values);
}
