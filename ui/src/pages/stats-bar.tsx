// Totals and medians over the activity store (GET /api/metrics/stats), read again at most every
// 2 s while requests finish, with the generation speeds as a small histogram.
import { useEffect, useState } from 'preact/hooks';
import { describeError, getJson } from '../api/http';
import type { ActivityStats, HistogramData } from '../api/types';
import { Banner } from '../components/common';
import { formatCount, formatMs, formatRate } from '../lib/format';
import { onLiveEvent } from '../state/live-store';

const MIN_GAP_MS = 2000;

function useStats(model: string): { stats: ActivityStats | null; error: string } {
  const [stats, setStats] = useState<ActivityStats | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastAt = 0;
    let closed = false;
    const load = async (): Promise<void> => {
      timer = null;
      lastAt = Date.now();
      try {
        const body = await getJson<ActivityStats>(`/api/metrics/stats${model === '' ? '' : `?model=${encodeURIComponent(model)}`}`);
        if (closed) return;
        setStats(body);
        setError('');
      } catch (e) {
        if (!closed) setError(describeError(e));
      }
    };
    void load();
    const stop = onLiveEvent((event) => {
      if (event.type !== 'activity' || timer !== null) return;
      timer = setTimeout(() => void load(), Math.max(100, lastAt + MIN_GAP_MS - Date.now()));
    });
    return () => {
      closed = true;
      stop();
      if (timer !== null) clearTimeout(timer);
    };
  }, [model]);
  return { stats, error };
}

function Histogram(props: { data: HistogramData; label: string }) {
  const { bins } = props.data;
  const top = Math.max(1, ...bins);
  const width = 120;
  const barWidth = width / bins.length;
  return (
    <svg class="histogram" viewBox={`0 0 ${width} 32`} role="img" aria-label={props.label} preserveAspectRatio="none">
      {bins.map((count, i) => {
        const height = (count / top) * 30;
        return <rect key={i} x={i * barWidth + 0.5} y={32 - height} width={Math.max(1, barWidth - 1)} height={height} />;
      })}
    </svg>
  );
}

function Stat(props: { label: string; value: string; title?: string }) {
  return (
    <div class="stat" title={props.title}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}

export function StatsBar(props: { model: string }) {
  const { stats, error } = useStats(props.model);
  if (error !== '') return <Banner kind="warn">Totals unavailable: {error}</Banner>;
  if (stats === null) return null;
  const failed = Object.entries(stats.outcomes).reduce((sum, [outcome, n]) => (outcome === 'ok' ? sum : sum + n), 0);
  return (
    <div class="stats" aria-label="Totals">
      <Stat label="requests" value={formatCount(stats.total_requests)} />
      <Stat label="not ok" value={formatCount(failed)} />
      <Stat label="prompt tokens" value={formatCount(stats.total_input_tokens)} />
      <Stat label="cached tokens" value={formatCount(stats.total_cache_tokens)} />
      <Stat label="generated" value={formatCount(stats.total_output_tokens)} />
      <Stat label="prompt tok/s p50" value={formatRate(stats.prompt_histogram?.p50)} />
      <Stat label="gen tok/s p50" value={formatRate(stats.gen_histogram?.p50)} title={stats.gen_histogram === null ? undefined : `p95 ${formatRate(stats.gen_histogram.p95)}`} />
      <Stat label="TTFT p50" value={formatMs(stats.ttft_histogram?.p50)} />
      {stats.gen_histogram === null ? null : (
        <div class="stat">
          <Histogram data={stats.gen_histogram} label={`generation speeds from ${formatRate(stats.gen_histogram.min)} to ${formatRate(stats.gen_histogram.max)} tok/s`} />
          <div class="stat-label">
            gen tok/s {formatRate(stats.gen_histogram.min)}–{formatRate(stats.gen_histogram.max)}
          </div>
        </div>
      )}
    </div>
  );
}
