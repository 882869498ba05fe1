// Order statistics for benchmark samples. Percentiles use the nearest-rank method so a p99 is a
// latency that some request really had, not an interpolation between two.

export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One figure from several runs: the median run, and the spread of all of them.
export function summarize(values) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: [] };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), runs: finite };
}
