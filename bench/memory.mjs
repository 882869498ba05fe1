// 5. Memory: the daemon's RSS (VmRSS of its own pid, not its upstreams) idle with one model
// loaded, and its peak while 200 slow streams (100 chunks 50 ms apart, ~5 s each) run through
// it, sampled every 50 ms. The minimal proxy carries the same load as a floor to compare with.
import { setTimeout as sleep } from 'node:timers/promises';
import { chatBody, createAgent, requestJson, streamSse } from './lib/http-client.mjs';
import { startMinimalProxy } from './minimal-proxy.mjs';
import { readRssKb, startFakeUpstream, stopProcess } from './lib/processes.mjs';
import { makeFigure } from './lib/report.mjs';
import { median } from './lib/stats.mjs';
import { fakeModel, makeConfig, startSwapgate, warmUp } from './lib/swapgate.mjs';

export const name = 'memory';
export const title = 'daemon memory (RSS) idle and under 200 slow streams';

const STREAMS = 200;
const STREAM_BODY = chatBody('a', { fake_chunks: 100, fake_chunk_delay_ms: 50 });
const SAMPLE_EVERY_MS = 50;
const IDLE_SETTLE_MS = 1_000;
const IDLE_SAMPLES = 10;

export async function run(ctx) {
  const runs = Math.min(ctx.runs, 3);
  const samples = { gateIdle: [], gatePeak: [], minimalIdle: [], minimalPeak: [] };
  const notes = [];
  for (let round = 0; round < runs; round++) {
    const upstream = await startFakeUpstream({ model: 'a' });
    const minimal = await startMinimalProxy(upstream.url);
    try {
      const m = await measure(minimal.child.pid, minimal.url);
      samples.minimalIdle.push(m.idleMb); samples.minimalPeak.push(m.peakMb);
    } finally {
      await stopProcess(minimal.child);
      await upstream.stop();
    }
    if (ctx.withDaemon) {
      const gate = await startSwapgate(makeConfig({ a: fakeModel('a') }));
      try {
        await warmUp(gate, 'a'); // also records the upstream pid for clean-up
        const g = await measure(gate.pid, gate.url);
        samples.gateIdle.push(g.idleMb); samples.gatePeak.push(g.peakMb);
      } finally { await gate.stop(); }
    }
    ctx.log(`  round ${round + 1}: minimal idle ${samples.minimalIdle.at(-1).toFixed(1)} MB peak ${samples.minimalPeak.at(-1).toFixed(1)} MB` +
      (ctx.withDaemon ? `; swapgate idle ${samples.gateIdle.at(-1).toFixed(1)} MB peak ${samples.gatePeak.at(-1).toFixed(1)} MB` : ''));
  }
  const figures = [];
  if (ctx.withDaemon) {
    figures.push(makeFigure('swapgate RSS idle (model loaded)', samples.gateIdle, 'MB', { digits: 1, target: { op: '<=', value: 60, label: '≤ 60 MB' } }));
    figures.push(makeFigure(`swapgate RSS peak, ${STREAMS} streams`, samples.gatePeak, 'MB', { digits: 1, target: { op: '<=', value: 160, label: '≤ 160 MB' } }));
  } else {
    notes.push('swapgate rows skipped (--skip-swapgate)');
  }
  figures.push(makeFigure('minimal proxy RSS idle', samples.minimalIdle, 'MB', { digits: 1 }));
  figures.push(makeFigure(`minimal proxy RSS peak, ${STREAMS} streams`, samples.minimalPeak, 'MB', { digits: 1 }));
  notes.push(`streams: 100 chunks 50 ms apart, ${STREAMS} at once; RSS = VmRSS of the proxy's own pid, sampled every ${SAMPLE_EVERY_MS} ms`);
  return { figures, notes, raw: samples };
}

async function measure(pid, baseUrl) {
  const warm = await requestJson(`${baseUrl}/v1/chat/completions`, { body: chatBody('a'), agent: false });
  if (warm.status !== 200) throw new Error(`warm-up via ${baseUrl}: HTTP ${warm.status} ${warm.text.slice(0, 200)}`);
  await sleep(IDLE_SETTLE_MS);
  const idle = [];
  for (let i = 0; i < IDLE_SAMPLES; i++) { idle.push(readRssKb(pid)); await sleep(SAMPLE_EVERY_MS); }
  let peakKb = Math.max(...idle);
  const sampler = setInterval(() => { peakKb = Math.max(peakKb, readRssKb(pid)); }, SAMPLE_EVERY_MS);
  const agent = createAgent();
  try {
    const streams = await Promise.all(Array.from({ length: STREAMS }, () => streamSse(`${baseUrl}/v1/chat/completions`, STREAM_BODY, { agent })));
    const broken = streams.filter((s) => s.status !== 200 || !s.done).length;
    if (broken > 0) throw new Error(`${broken} of ${STREAMS} streams via ${baseUrl} did not finish with 200 and [DONE]`);
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  peakKb = Math.max(peakKb, readRssKb(pid));
  return { idleMb: median(idle) / 1024, peakMb: peakKb / 1024 };
}
