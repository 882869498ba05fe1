// Performance (its own chunk, with uPlot): per-model req/s, generation tok/s, time to first token
// and loads over a window, from the requests and state changes this tab has; then the daemon's
// and the machine's figures from /api/performance, read every 5 s while the page is visible.
import { useEffect, useState } from 'preact/hooks';
import { describeError, getJson } from '../api/http';
import type { PerformanceReport } from '../api/types';
import { Banner, Fact, PageHeader, useNow } from '../components/common';
import { formatDuration, formatMb, formatMs, formatPercent, formatRate } from '../lib/format';
import { activity, transitions } from '../state/live-store';
import { buildActivitySeries, buildLoadSeries, type SeriesSet } from '../state/series';
import { theme } from '../theme';
import { Chart } from './chart';

const POLL_MS = 5000;
const MAX_SAMPLES = 720;
const WINDOWS = [5, 15, 60] as const;

interface Sample {
  readonly atMs: number;
  readonly report: PerformanceReport;
}

/** Kept while the tab lives, so coming back shows the recent past. */
let samples: readonly Sample[] = [];

function usePerformance(): { latest: PerformanceReport | null; error: string; count: number } {
  const [count, setCount] = useState(samples.length);
  const [error, setError] = useState('');
  useEffect(() => {
    const read = async (): Promise<void> => {
      if (document.visibilityState !== 'visible') return;
      try {
        const report = await getJson<PerformanceReport>('/api/performance');
        samples = [...samples, { atMs: Date.now(), report }].slice(-MAX_SAMPLES);
        setCount(samples.length);
        setError('');
      } catch (e) {
        setError(describeError(e));
      }
    };
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => clearInterval(timer);
  }, []);
  return { latest: samples.at(-1)?.report ?? null, error, count };
}

function sampleSeries(fromMs: number, pick: (r: PerformanceReport) => { label: string; value: number | undefined }[]): SeriesSet {
  const shown = samples.filter((s) => s.atMs >= fromMs);
  const labels = [...new Set(shown.flatMap((s) => pick(s.report).map((p) => p.label)))];
  return {
    times: shown.map((s) => s.atMs / 1000),
    series: labels.map((label) => ({ label, values: shown.map((s) => pick(s.report).find((p) => p.label === label)?.value ?? null) })),
  };
}

function Machine(props: { report: PerformanceReport }) {
  const { process: p, sys_stats: sys, gpu_stats: gpus } = props.report;
  const s = sys[0];
  return (
    <div class="facts wide">
      <Fact label="daemon pid">{p.pid}</Fact>
      <Fact label="up">{formatDuration(p.uptime_s * 1000)}</Fact>
      <Fact label="daemon CPU">{formatPercent(p.cpu_pct)}</Fact>
      <Fact label="daemon RSS">{formatMb(p.rss_mb)}</Fact>
      {s === undefined ? null : <Fact label="memory">{`${formatMb(s.mem_used_mb)} of ${formatMb(s.mem_total_mb)}`}</Fact>}
      {s === undefined ? null : <Fact label="load">{s.load_avg_1.toFixed(2)}</Fact>}
      {s === undefined ? null : <Fact label="cores">{s.cpu_util_per_core.length}</Fact>}
      {gpus.map((g) => (
        <Fact key={g.id} label={`GPU ${g.id}`}>
          {`${g.name} · ${formatPercent(g.gpu_util_pct)} · ${formatMb(g.mem_used_mb)} of ${formatMb(g.mem_total_mb)}${g.temp_c === undefined ? '' : ` · ${g.temp_c} °C`}`}
        </Fact>
      ))}
    </div>
  );
}

export function PerformancePage() {
  const [minutes, setMinutes] = useState<(typeof WINDOWS)[number]>(15);
  const now = useNow(POLL_MS);
  const { latest, error } = usePerformance();
  const w = { nowMs: now, windowMs: minutes * 60_000, bucketMs: (minutes * 60_000) / 60 };
  const rows = activity.value;
  const charts: [string, SeriesSet, (v: number) => string][] = [
    ['Requests per second', buildActivitySeries(rows, w, 'requests'), (v) => v.toFixed(v < 1 ? 2 : 1)],
    ['Generation tok/s (median)', buildActivitySeries(rows, w, 'speed'), formatRate],
    ['Time to first token (median)', buildActivitySeries(rows, w, 'ttft'), formatMs],
    ['Model loads (swaps)', buildLoadSeries(transitions.value, w), (v) => String(Math.round(v))],
  ];
  const from = now - w.windowMs;
  const cpu = sampleSeries(from, (r) => [{ label: 'daemon', value: r.process.cpu_pct }, ...r.gpu_stats.map((g) => ({ label: `GPU ${g.id}`, value: g.gpu_util_pct }))]);
  const memory = sampleSeries(from, (r) => [{ label: 'daemon RSS', value: r.process.rss_mb }, ...r.gpu_stats.map((g) => ({ label: `GPU ${g.id}`, value: g.mem_used_mb }))]);
  return (
    <>
      <PageHeader title="Performance">
        <select aria-label="Window" value={minutes} onChange={(e) => setMinutes(Number(e.currentTarget.value) as (typeof WINDOWS)[number])}>
          {WINDOWS.map((m) => (
            <option key={m} value={m}>
              last {m} min
            </option>
          ))}
        </select>
      </PageHeader>
      <section class="panel" aria-label="Requests">
        <h2>Requests per model</h2>
        <div class="charts">
          {charts.map(([title, set, format]) =>
            set.series.length === 0 ? (
              <figure class="chart" key={title}>
                <figcaption>{title}</figcaption>
                <p class="muted">Nothing in this window.</p>
              </figure>
            ) : (
              <Chart key={title} title={title} set={set} format={format} theme={theme.value} />
            ),
          )}
        </div>
      </section>
      <section class="panel" aria-label="Machine">
        <h2>Daemon and machine</h2>
        {error === '' ? null : <Banner>{error}</Banner>}
        {latest === null ? <p class="muted">Reading…</p> : <Machine report={latest} />}
        <div class="charts">
          {cpu.times.length < 2 ? null : <Chart title="CPU / GPU use (%)" set={cpu} format={(v) => v.toFixed(0)} theme={theme.value} />}
          {memory.times.length < 2 ? null : <Chart title="Memory (MB)" set={memory} format={(v) => String(Math.round(v))} theme={theme.value} />}
        </div>
      </section>
    </>
  );
}
