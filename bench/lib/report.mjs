// Figures (median of runs, spread, optional target) and the table they print as.
import { summarize } from './stats.mjs';

// target: { op: '>=' | '<=', value, label } — label is what the table shows ("≥ 0.85×").
// Targets are judged on the median run, except correctness counts ("= 0 lost"), which every run
// must meet: judgeOn 'max' | 'min' picks the worst run instead.
export function makeFigure(label, values, unit, { target, digits = 2, note, judgeOn = 'median' } = {}) {
  const stats = summarize(values);
  let pass = null;
  const judged = stats[judgeOn];
  if (target !== undefined && Number.isFinite(judged)) {
    pass = target.op === '>=' ? judged >= target.value : judged <= target.value;
  }
  return { label, unit, digits, ...stats, target: target ?? null, judgeOn, pass, note: note ?? null };
}

function formatNumber(value, digits) {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
}

function formatRow(benchmark, figure) {
  const unit = figure.unit === '' ? '' : ` ${figure.unit}`;
  const spread = figure.runs.length > 1 ? `${formatNumber(figure.min, figure.digits)}–${formatNumber(figure.max, figure.digits)}` : '';
  const verdict = figure.pass === null ? (figure.target === null ? '' : 'n/a') : figure.pass ? 'PASS' : 'MISS';
  return [benchmark, figure.label, `${formatNumber(figure.median, figure.digits)}${unit}`, spread, figure.target?.label ?? '', verdict];
}

export function printTable(results, write = (line) => process.stdout.write(`${line}\n`)) {
  const header = ['benchmark', 'figure', 'median', 'spread (min–max)', 'target', ''];
  const rows = [];
  for (const result of results) for (const figure of result.figures) rows.push(formatRow(result.name, figure));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  write(line(header));
  write(widths.map((w) => '-'.repeat(w)).join('  ').trimEnd());
  let previous = null;
  for (const row of rows) {
    if (previous !== null && row[0] !== previous) write('');
    write(line(row[0] === previous ? ['', ...row.slice(1)] : row));
    previous = row[0];
  }
  for (const result of results) for (const note of result.notes) write(`note (${result.name}): ${note}`);
}
