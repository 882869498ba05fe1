// 4. Concurrency across swaps: 200 clients, each bound to one of 3 models of one swapping
// group, send back-to-back chat requests for a fixed time. Every answer must be a 200 from the
// model asked for, and every request sent must be answered. Swaps are counted from the
// upstream pids seen (x-fake-pid: each start is a new process).
import { chatBody, createAgent, requestJson } from './lib/http-client.mjs';
import { adoptPid } from './lib/processes.mjs';
import { makeFigure } from './lib/report.mjs';
import { percentile } from './lib/stats.mjs';
import { fakeModel, makeConfig, startSwapgate } from './lib/swapgate.mjs';

export const name = 'concurrency';
export const title = 'concurrency across swaps (200 clients, 3 models, 1 swap group)';

const CLIENTS = 200;
const MODELS = ['a', 'b', 'c'];
const REQUEST_TIMEOUT_MS = 60_000;

export async function run(ctx) {
  if (!ctx.withDaemon) return { figures: [], notes: ['skipped: needs the swapgate daemon (--skip-swapgate)'] };
  const durationMs = ctx.quick ? 10_000 : 30_000;
  const runs = Math.min(ctx.runs, 3);
  const config = makeConfig(Object.fromEntries(MODELS.map((m) => [m, fakeModel(m)])), {
    groups: { trio: { swap: true, exclusive: true, members: MODELS } },
  });
  const results = [];
  for (let round = 0; round < runs; round++) {
    const gate = await startSwapgate(config);
    try {
      const result = await hammer(gate.url, durationMs);
      results.push(result);
      ctx.log(`  round ${round + 1}: sent ${result.sent}, answered ${result.answered}, ok ${result.ok}, wrong model ${result.wrongModel}, errors ${result.errors}, swaps ${result.swaps}, p99 ${result.p99Ms.toFixed(0)} ms, statuses ${JSON.stringify(result.statuses)}`);
    } finally { await gate.stop(); }
  }
  const pick = (field) => results.map((r) => r[field]);
  const zero = { op: '<=', value: 0, label: '= 0 every run' };
  const everyRun = { target: zero, judgeOn: 'max', digits: 0 };
  const figures = [
    makeFigure('requests sent', pick('sent'), '', { digits: 0 }),
    makeFigure('requests per second', pick('reqPerSec'), 'req/s', { digits: 0 }),
    makeFigure('lost (sent − answered)', results.map((r) => r.sent - r.answered), '', everyRun),
    makeFigure('not 200', results.map((r) => r.answered - r.ok - r.wrongModel), '', everyRun),
    makeFigure('200 from the wrong model', pick('wrongModel'), '', everyRun),
    makeFigure('swaps (upstream starts − 1)', pick('swaps'), '', { digits: 0 }),
    makeFigure('model changes in answer order', pick('modelChanges'), '', { digits: 0 }),
    makeFigure('latency p50', pick('p50Ms'), 'ms', { digits: 1 }),
    makeFigure('latency p99', pick('p99Ms'), 'ms', { digits: 1 }),
    makeFigure('latency max', pick('maxMs'), 'ms', { digits: 1 }),
  ];
  const notes = [`${CLIENTS} clients for ${durationMs / 1000} s per run, ${runs} runs, a fresh daemon each run`];
  for (const [i, r] of results.entries()) {
    for (const [status, sample] of Object.entries(r.failureSamples)) notes.push(`run ${i + 1}: ${r.statuses[status] ?? r.errors}× ${status}, e.g. ${sample}`);
  }
  return { figures, notes, raw: results };
}

async function hammer(baseUrl, durationMs) {
  const agent = createAgent();
  const tally = { sent: 0, answered: 0, ok: 0, wrongModel: 0, errors: 0, statuses: {}, latencies: [], order: [], pids: new Set(), failureSamples: {} };
  const startedAt = performance.now();
  const deadline = startedAt + durationMs;
  const client = async (model) => {
    const body = chatBody(model);
    while (performance.now() < deadline) {
      tally.sent++;
      let res;
      try {
        res = await requestJson(`${baseUrl}/v1/chat/completions`, { body, agent, timeoutMs: REQUEST_TIMEOUT_MS });
      } catch (error) {
        tally.errors++;
        tally.failureSamples['network error'] ??= error.message;
        continue;
      }
      tally.answered++;
      tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
      if (res.status !== 200) {
        tally.failureSamples[res.status] ??= `${model}: ${res.text.slice(0, 240)}`;
        continue;
      }
      const pid = Number(res.headers['x-fake-pid']);
      adoptPid(pid);
      tally.pids.add(pid);
      tally.order.push(res.headers['x-fake-model']);
      if (res.headers['x-fake-model'] === model) { tally.ok++; tally.latencies.push(res.ms); } else tally.wrongModel++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(MODELS[i % MODELS.length])));
  const elapsedMs = performance.now() - startedAt;
  agent.destroy();
  const modelChanges = tally.order.filter((m, i) => i > 0 && m !== tally.order[i - 1]).length;
  return {
    sent: tally.sent, answered: tally.answered, ok: tally.ok, wrongModel: tally.wrongModel, errors: tally.errors,
    statuses: tally.statuses, failureSamples: tally.failureSamples,
    reqPerSec: (tally.answered / elapsedMs) * 1000,
    swaps: Math.max(0, tally.pids.size - 1), modelChanges,
    p50Ms: percentile(tally.latencies, 50), p99Ms: percentile(tally.latencies, 99), maxMs: tally.latencies.length === 0 ? Number.NaN : Math.max(...tally.latencies),
  };
}
