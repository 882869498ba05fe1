// How numbers, times and sizes read on every page (one place, so the pages agree). A figure the
// daemon did not report is shown as DASH, never as 0.

export const DASH = '—';

const isKnown = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/** 1234567 → "1,234,567". */
export function formatCount(value: number | null | undefined): string {
  if (!isKnown(value)) return DASH;
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A latency: "0.4 ms", "85 ms", "1.25 s", "12.3 s", then minutes. */
export function formatMs(ms: number | null | undefined): string {
  if (!isKnown(ms)) return DASH;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms);
}

/** A span of time: "45 s", "3 m 20 s", "2 h 5 m", "3 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (!isKnown(ms)) return DASH;
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Tokens per second: "1,234", "45.2", "3.14". */
export function formatRate(perSecond: number | null | undefined): string {
  if (!isKnown(perSecond)) return DASH;
  if (perSecond >= 1000) return formatCount(perSecond);
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(2);
}

/** "512 B", "1.5 kB", "2.3 MB" (powers of 1000, as network tools show). */
export function formatBytes(bytes: number | null | undefined): string {
  if (!isKnown(bytes)) return DASH;
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Megabytes as the daemon reports them: "812 MB", "15.6 GB". */
export function formatMb(mb: number | null | undefined): string {
  return isKnown(mb) ? formatBytes(mb * 1e6) : DASH;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall-clock time "14:03:07" of an epoch-ms or ISO time; "" when it does not parse. */
export function formatClock(time: number | string, withMillis = false): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '';
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return withMillis ? `${clock}.${pad(date.getMilliseconds(), 3)}` : clock;
}

/** "2026-12-05 14:03:07" in local time. */
export function formatDateTime(time: number | string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatClock(date.getTime())}`;
}

export function formatPercent(value: number | null | undefined): string {
  return isKnown(value) ? `${value.toFixed(value < 10 ? 1 : 0)} %` : DASH;
}
