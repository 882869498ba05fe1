// 2. Streaming: time to first chunk, inter-chunk gap p99 and total time of an SSE chat stream,
// direct vs the minimal proxy vs swapgate vs swapgate with a PII-redaction policy. The fake
// upstream streams 500 chunks back to back, then 100 chunks 10 ms apart.
import { chatBody, createAgent, streamSse } from './lib/http-client.mjs';
import { startMinimalProxy } from './minimal-proxy.mjs';
import { startFakeUpstream, stopProcess } from './lib/processes.mjs';
import { makeFigure } from './lib/report.mjs';
import { median, percentile } from './lib/stats.mjs';
import { PII_POLICY, fakeModel, makeConfig, startSwapgate, warmUp } from './lib/swapgate.mjs';

export const name = 'streaming';
export const title = 'streaming (SSE) through the proxy';

const SCENARIOS = [
  { id: '500×0ms', chunks: 500, delayMs: 0, warm: 5, perRun: 5, perRunQuick: 2 },
  // Each of these lasts ~1 s: fewer per run keeps the whole benchmark under a minute.
  { id: '100×10ms', chunks: 100, delayMs: 10, warm: 1, perRun: 2, perRunQuick: 1 },
];
const PROBE_EMAIL = 'probe@example.com';
const WITHIN_HALF_MS = { op: '<=', value: 0.5, label: '≤ +0.5 ms' };

export async function run(ctx) {
  const notes = [];
  const upstream = await startFakeUpstream({ model: 'a' });
  const minimal = await startMinimalProxy(upstream.url);
  const gates = [];
  try {
    const targets = [{ id: 'direct', url: upstream.url }, { id: 'minimal', url: minimal.url }];
    if (ctx.withDaemon) {
      gates.push(await startSwapgate(makeConfig({ a: fakeModel('a') })));
      gates.push(await startSwapgate(makeConfig({ a: fakeModel('a') }, { policies: [PII_POLICY] })));
      targets.push({ id: 'swapgate', url: gates[0].url }, { id: 'swapgate+pii', url: gates[1].url });
      for (const gate of gates) await warmUp(gate, 'a');
      // The fake echoes the prompt: an address that comes back means the policy did nothing.
      const probe = await warmUp(gates[1], 'a', { body: chatBody('a', { messages: [{ role: 'user', content: `write to ${PROBE_EMAIL}` }] }) });
      notes.push(probe.text.includes(PROBE_EMAIL)
        ? `WARNING: swapgate+pii did not redact ${PROBE_EMAIL} in a plain answer: the policy is not active in this build, so its rows measure no redaction`
        : 'swapgate+pii: redaction checked on a plain answer (the streamed chunks themselves carry no PII, so they measure the scanning cost)');
    } else {
      notes.push('swapgate rows skipped (--skip-swapgate)');
    }
    for (const target of targets) target.agent = createAgent();

    const samples = {};
    for (const scenario of SCENARIOS) {
      const body = chatBody('a', { fake_chunks: scenario.chunks, fake_chunk_delay_ms: scenario.delayMs });
      for (const target of targets) { // warm: JIT and a kept-alive connection
        for (let i = 0; i < scenario.warm; i++) await streamChecked(target, body, scenario, notes);
      }
      for (let round = 0; round < ctx.runs; round++) {
        for (const target of targets) {
          const streams = [];
          for (let i = 0; i < (ctx.quick ? scenario.perRunQuick : scenario.perRun); i++) streams.push(await streamChecked(target, body, scenario, notes));
          const sample = {
            ttfcMs: median(streams.map((s) => s.ttfcMs)),
            gapP99Ms: percentile(streams.flatMap((s) => s.gaps), 99),
            totalMs: median(streams.map((s) => s.totalMs)),
          };
          (samples[`${scenario.id}/${target.id}`] ??= []).push(sample);
          ctx.log(`  ${scenario.id} round ${round + 1} ${target.id}: ttfc ${sample.ttfcMs.toFixed(3)} ms, gap p99 ${sample.gapP99Ms.toFixed(3)} ms, total ${sample.totalMs.toFixed(1)} ms`);
        }
      }
    }
    return { figures: makeFigures(samples, targets.map((t) => t.id)), notes: [...new Set(notes)], raw: samples };
  } finally {
    for (const gate of gates) await gate.stop();
    await stopProcess(minimal.child);
    await upstream.stop();
  }
}

async function streamChecked(target, body, scenario, notes) {
  const stream = await streamSse(`${target.url}/v1/chat/completions`, body, { agent: target.agent });
  if (stream.status !== 200 || !stream.done) {
    throw new Error(`${target.id} ${scenario.id}: HTTP ${stream.status}, [DONE] ${stream.done ? 'seen' : 'missing'}, ${stream.arrivals.length} events`);
  }
  // The fake sends one event per chunk plus the finish_reason event.
  if (stream.arrivals.length !== scenario.chunks + 1) {
    notes.push(`${target.id} ${scenario.id}: ${stream.arrivals.length} data events arrived, the upstream sent ${scenario.chunks + 1}`);
  }
  return stream;
}

function makeFigures(samples, targetIds) {
  const figures = [];
  for (const scenario of SCENARIOS) {
    const pick = (id, field) => samples[`${scenario.id}/${id}`].map((s) => s[field]);
    const added = (id, field) => pick(id, field).map((x, i) => x - pick('direct', field)[i]);
    for (const [field, label] of [['ttfcMs', 'TTFC'], ['gapP99Ms', 'gap p99'], ['totalMs', 'total']]) {
      for (const id of targetIds) figures.push(makeFigure(`${scenario.id} ${label} ${id}`, pick(id, field), 'ms', { digits: 3 }));
      if (field === 'totalMs') continue;
      for (const id of targetIds.filter((t) => t.startsWith('swapgate'))) {
        figures.push(makeFigure(`${scenario.id} added ${label} ${id}`, added(id, field), 'ms', { digits: 3, target: WITHIN_HALF_MS }));
      }
    }
  }
  return figures;
}
