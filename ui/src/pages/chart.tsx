// A uPlot time-series chart (loaded with the Performance page only): one line per series, gaps
// where a bucket is null, resized with its box, redrawn in the theme's colours.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { SeriesSet } from '../state/series';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];
const HEIGHT = 170;

/** A theme colour as the canvas needs it: custom properties hold light-dark(), which only CSS resolves. */
function resolveColor(box: HTMLElement, name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  box.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

function makeOptions(box: HTMLElement, set: SeriesSet, format: (value: number) => string): uPlot.Options {
  const text = resolveColor(box, '--muted');
  const grid = resolveColor(box, '--line');
  const width = Math.max(200, box.clientWidth);
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [axis, { ...axis, size: 56, values: (_u, ticks) => ticks.map(format) }],
    series: [
      {},
      ...set.series.map((s, i) => ({
        label: s.label,
        stroke: PALETTE[i % PALETTE.length],
        width: 1.5,
        points: { show: true, size: 4 },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
      })),
    ],
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
  };
}

function toData(set: SeriesSet): uPlot.AlignedData {
  return [set.times as number[], ...set.series.map((s) => s.values as (number | null)[])];
}

export function Chart(props: { title: string; set: SeriesSet; format: (value: number) => string; theme: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = `${props.theme}|${props.set.series.map((s) => s.label).join('|')}`;
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const chart = new uPlot(makeOptions(el, props.set, props.format), toData(props.set), el);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);
  useEffect(() => {
    plot.current?.setData(toData(props.set));
  }, [props.set]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={props.title} />
    </figure>
  );
}
