// 8. Cost of observability: req/s and p50 at c=32 through swapgate with the activity store and
// per-request Prometheus metrics on (the default: token usage read off every answer, a row and
// a few counter increments per request) vs off (metricsMaxInMemory: 0), no audit log, non-
// streaming and streaming; and the same "on" daemon while /metrics is scraped 10 times a second
// (Prometheus' default is once per 15 s). Rounds are interleaved; ratios per round.
import { chatBody } from './lib/http-client.mjs';
import { assertClean, runLoad } from './lib/load.mjs';
import { makeFigure } from './lib/report.mjs';
import { fakeModel, makeConfig, startSwapgate, warmUp } from './lib/swapgate.mjs';

export const name = 'observe';
export const title = 'activity store + metrics cost (on vs metricsMaxInMemory 0, c=32)';

const CONNECTIONS = 32;

export async function run(ctx) {
  if (!ctx.withDaemon) return { figures: [], notes: ['skipped: needs the swapgate daemon (--skip-swapgate)'] };
  const amount = ctx.quick ? 1000 : 5000;
  const bodies = { json: chatBody('a'), stream: chatBody('a', { stream: true }) };
  const targets = [
    { id: 'off', gate: await startSwapgate(makeConfig({ a: fakeModel('a') }, { metricsMaxInMemory: 0 })) },
    { id: 'on', gate: await startSwapgate(makeConfig({ a: fakeModel('a') })) },
  ];
  // The "on" daemon again, scraped while the load runs.
  targets.push({ id: 'scraped', gate: targets[1].gate, scrape: true });
  try {
    for (const target of targets.slice(0, 2)) {
      await warmUp(target.gate, 'a');
      for (const body of Object.values(bodies)) {
        assertClean(await runLoad({ url: `${target.gate.url}/v1/chat/completions`, body, connections: CONNECTIONS, amount: 500 }), `observe ${target.id} warm-up`);
      }
    }
    const samples = {};
    const scrapes = [];
    for (let round = 0; round < ctx.runs; round++) {
      for (const [kind, body] of Object.entries(bodies)) {
        for (const target of targets) {
          const scraper = target.scrape === true ? startScraper(`${target.gate.url}/metrics`) : null;
          const result = await runLoad({ url: `${target.gate.url}/v1/chat/completions`, body, connections: CONNECTIONS, amount });
          if (scraper !== null) scrapes.push(await scraper.stop());
          assertClean(result, `observe ${target.id} ${kind}`);
          (samples[`${kind} ${target.id}`] ??= []).push(result);
          ctx.log(`  round ${round + 1} ${kind} ${target.id}: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms`);
        }
      }
    }
    const pick = (id, field) => samples[id].map((r) => r[field]);
    const figures = [];
    for (const kind of Object.keys(bodies)) {
      const on = pick(`${kind} on`, 'reqPerSec');
      const off = pick(`${kind} off`, 'reqPerSec');
      figures.push(
        makeFigure(`${kind} req/s c=32 metrics off`, off, 'req/s', { digits: 0 }),
        makeFigure(`${kind} req/s c=32 metrics on`, on, 'req/s', { digits: 0 }),
        makeFigure(`${kind} on / off req/s`, on.map((x, i) => x / off[i]), '×', { target: { op: '>=', value: 0.95, label: '≥ 0.95×' } }),
        makeFigure(`${kind} scraped 10/s / on req/s`, pick(`${kind} scraped`, 'reqPerSec').map((x, i) => x / on[i]), '×'),
        makeFigure(`${kind} p50 c=32 metrics off`, pick(`${kind} off`, 'p50Ms'), 'ms', { digits: 2 }),
        makeFigure(`${kind} p50 c=32 metrics on`, pick(`${kind} on`, 'p50Ms'), 'ms', { digits: 2 }),
      );
    }
    const total = scrapes.reduce((sum, s) => sum + s.count, 0);
    const notes = [`${total} scrapes during the scraped rounds, median scrape ${median(scrapes.flatMap((s) => s.ms)).toFixed(1)} ms`];
    return { figures, notes, raw: samples };
  } finally {
    for (const target of targets.slice(0, 2)) await target.gate.stop();
  }
}

/** GETs `url` every 100 ms until stopped; resolves with how many it made and how long each took. */
function startScraper(url) {
  const ms = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(url);
      await res.text();
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      ms.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { count: ms.length, ms };
    },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}
