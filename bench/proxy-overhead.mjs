// 1. Proxy overhead, non-streaming: the same chat completion direct to the fake upstream,
// through the minimal node:http proxy, and through swapgate; autocannon at c=1 and c=32.
// Runs are interleaved (direct, minimal, swapgate, direct, ...) so drift hits all three alike,
// and ratios / added latency are taken per round before the median.
import { chatBody } from './lib/http-client.mjs';
import { assertClean, runLoad } from './lib/load.mjs';
import { startMinimalProxy } from './minimal-proxy.mjs';
import { startFakeUpstream, stopProcess } from './lib/processes.mjs';
import { makeFigure } from './lib/report.mjs';
import { PRODUCTION_LOGGING, fakeModel, makeConfig, startSwapgate, waitForAuditRecords, warmUp } from './lib/swapgate.mjs';

export const name = 'proxy';
export const title = 'proxy overhead (non-streaming)';

const CONCURRENCIES = [1, 32];

export async function run(ctx) {
  const amount = ctx.quick ? 1000 : 5000;
  const body = chatBody('a');
  const notes = [];
  const upstream = await startFakeUpstream({ model: 'a' });
  const minimal = await startMinimalProxy(upstream.url);
  const gate = ctx.withDaemon ? await startSwapgate(makeConfig({ a: fakeModel('a') }, PRODUCTION_LOGGING), { discardStdout: true }) : null;
  try {
    if (gate !== null) await warmUp(gate, 'a');
    const targets = [{ id: 'direct', url: upstream.url }, { id: 'minimal', url: minimal.url }];
    if (gate !== null) targets.push({ id: 'swapgate', url: gate.url });
    else notes.push('swapgate rows skipped (--skip-swapgate)');

    const samples = {};
    let sentToGate = gate === null ? 0 : 1; // the warm-up request
    for (const connections of CONCURRENCIES) {
      for (const target of targets) {
        const warm = await runLoad({ url: `${target.url}/v1/chat/completions`, body, connections, amount: Math.min(1000, amount) });
        assertClean(warm, `${target.id} warm-up c=${connections}`);
        if (target.id === 'swapgate') sentToGate += warm.ok;
      }
      for (let round = 0; round < ctx.runs; round++) {
        for (const target of targets) {
          const result = await runLoad({ url: `${target.url}/v1/chat/completions`, body, connections, amount });
          assertClean(result, `${target.id} c=${connections}`);
          if (target.id === 'swapgate') sentToGate += result.ok;
          (samples[`${target.id}@${connections}`] ??= []).push(result);
          ctx.log(`  c=${connections} round ${round + 1} ${target.id}: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(3)} ms`);
        }
      }
    }
    if (gate !== null) notes.push(await describeProductionLogging(gate, sentToGate));
    return { figures: makeFigures(samples, gate !== null), notes, raw: samples };
  } finally {
    if (gate !== null) await gate.stop();
    await stopProcess(minimal.child);
    await upstream.stop();
  }
}

// The figures are only meaningful if the daemon really audited every request.
async function describeProductionLogging(gate, sent) {
  const { records } = await waitForAuditRecords(gate, PRODUCTION_LOGGING.audit.path, sent);
  return records === sent
    ? `swapgate ran with the per-request log line (logLevel info, to stdout) and wrote an audit record for each of its ${sent.toLocaleString('en-US')} requests`
    : `WARNING: swapgate wrote ${records.toLocaleString('en-US')} audit records for ${sent.toLocaleString('en-US')} requests: its rows do not measure a fully audited daemon`;
}

function makeFigures(samples, withDaemon) {
  const figures = [];
  const pick = (id, c, field) => samples[`${id}@${c}`].map((r) => r[field]);
  const perRound = (a, b, c, field, combine) => pick(a, c, field).map((x, i) => combine(x, pick(b, c, field)[i]));
  const ids = withDaemon ? ['direct', 'minimal', 'swapgate'] : ['direct', 'minimal'];
  for (const c of CONCURRENCIES) {
    for (const id of ids) figures.push(makeFigure(`req/s c=${c} ${id}`, pick(id, c, 'reqPerSec'), 'req/s', { digits: 0 }));
  }
  for (const c of CONCURRENCIES) {
    figures.push(makeFigure(`minimal / direct req/s c=${c}`, perRound('minimal', 'direct', c, 'reqPerSec', (x, y) => x / y), '×'));
    if (!withDaemon) continue;
    figures.push(makeFigure(`swapgate / minimal req/s c=${c}`, perRound('swapgate', 'minimal', c, 'reqPerSec', (x, y) => x / y), '×',
      c === 32 ? { target: { op: '>=', value: 0.85, label: '≥ 0.85×' } } : {}));
    figures.push(makeFigure(`swapgate / direct req/s c=${c}`, perRound('swapgate', 'direct', c, 'reqPerSec', (x, y) => x / y), '×'));
  }
  for (const c of CONCURRENCIES) {
    for (const id of ids) figures.push(makeFigure(`p50 c=${c} ${id}`, pick(id, c, 'p50Ms'), 'ms', { digits: 3 }));
    for (const id of ids.slice(1)) {
      for (const [field, label] of [['p50Ms', 'p50'], ['p99Ms', 'p99']]) {
        const target = id === 'swapgate' && c === 1 && field === 'p50Ms' ? { op: '<=', value: 0.2, label: '≤ +0.2 ms' } : undefined;
        figures.push(makeFigure(`added ${label} c=${c} ${id} vs direct`, perRound(id, 'direct', c, field, (x, y) => x - y), 'ms', { digits: 3, target }));
      }
    }
  }
  return figures;
}
