// GET /api/metrics/stats?model=: totals and distributions over the activity store's rows, in
// llama-swap's shape (total_*, prompt_histogram, gen_histogram: internal/store/activity.go) plus
// the time to first token and a count per outcome. A histogram is null when no row reported the
// figure (a missing speed is not a zero speed).
import type { ActivityEntry } from './activity-entry.js';

export interface HistogramData {
  readonly bins: readonly number[];
  readonly min: number;
  readonly max: number;
  readonly binSize: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface ActivityStats {
  readonly total_requests: number;
  readonly total_input_tokens: number;
  readonly total_output_tokens: number;
  readonly total_cache_tokens: number;
  /** Prompt processing, tokens/s. */
  readonly prompt_histogram: HistogramData | null;
  /** Generation, tokens/s. */
  readonly gen_histogram: HistogramData | null;
  /** Time to first token, ms (streams). */
  readonly ttft_histogram: HistogramData | null;
  readonly outcomes: Readonly<Record<string, number>>;
}

const MIN_BINS = 5;
const MAX_BINS = 20;

/** Linear interpolation between the closest ranks of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] as number;
  return low + (rank - lower) * ((sorted[upper] as number) - low);
}

/** Equal-width bins (Sturges' rule, 5..20 of them) with p50/p95/p99; null for no values. */
export function makeHistogram(values: readonly number[]): HistogramData | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  const summary = { min, max, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
  if (min === max) return { bins: [values.length], binSize: 0, ...summary };
  const count = Math.min(MAX_BINS, Math.max(MIN_BINS, Math.ceil(Math.log2(values.length)) + 1));
  const binSize = (max - min) / count;
  const bins = new Array<number>(count).fill(0);
  for (const value of values) {
    const index = Math.min(Math.floor((value - min) / binSize), count - 1);
    bins[index] = (bins[index] as number) + 1;
  }
  return { bins, binSize, ...summary };
}

/** Stats over `entries` (already narrowed to a model when asked). */
export function getActivityStats(entries: readonly ActivityEntry[]): ActivityStats {
  let input = 0;
  let output = 0;
  let cached = 0;
  const promptSpeeds: number[] = [];
  const genSpeeds: number[] = [];
  const ttfts: number[] = [];
  const outcomes: Record<string, number> = {};
  for (const { tokens, ttft_ms: ttft, outcome } of entries) {
    input += tokens.input_tokens ?? 0;
    output += tokens.output_tokens ?? 0;
    cached += tokens.cache_tokens ?? 0;
    if (tokens.prompt_per_second !== undefined && tokens.prompt_per_second > 0) promptSpeeds.push(tokens.prompt_per_second);
    if (tokens.tokens_per_second !== undefined && tokens.tokens_per_second > 0) genSpeeds.push(tokens.tokens_per_second);
    if (ttft !== undefined) ttfts.push(ttft);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return {
    total_requests: entries.length,
    total_input_tokens: input,
    total_output_tokens: output,
    total_cache_tokens: cached,
    prompt_histogram: makeHistogram(promptSpeeds),
    gen_histogram: makeHistogram(genSpeeds),
    ttft_histogram: makeHistogram(ttfts),
    outcomes,
  };
}
