// 7. Audit durability cost: req/s at c=32 through swapgate with an audit record of every request
// written with the default group commit (flush_interval_ms 0), with audit.fsync false vs true
// (one fdatasync per group); references: no audit log, and a 50 ms batching window (the old
// default, which gives no kill -9 guarantee). Rounds are interleaved (no audit, fsync false,
// fsync true, window, no audit, …) and ratios are taken per round.
import { statfsSync } from 'node:fs';
import { chatBody } from './lib/http-client.mjs';
import { assertClean, runLoad } from './lib/load.mjs';
import { makeFigure } from './lib/report.mjs';
import { fakeModel, makeConfig, startSwapgate, waitForAuditRecords, warmUp } from './lib/swapgate.mjs';

export const name = 'audit';
export const title = 'audit durability cost (fsync per group vs none vs no audit, c=32)';

const CONNECTIONS = 32;
const AUDIT_FILE = 'audit.jsonl';
const TMPFS_MAGIC = 0x01021994;

const audited = (fsync, intervalMs = 0) =>
  makeConfig({ a: fakeModel('a') }, { audit: { path: AUDIT_FILE, log_all_access: true, flush_interval_ms: intervalMs, fsync } });

export async function run(ctx) {
  if (!ctx.withDaemon) return { figures: [], notes: ['skipped: needs the swapgate daemon (--skip-swapgate)'] };
  const amount = ctx.quick ? 1000 : 5000;
  const body = chatBody('a');
  const notes = [];
  const targets = [
    { id: 'no audit', gate: await startSwapgate(makeConfig({ a: fakeModel('a') })), sent: 0 },
    { id: 'fsync false', gate: await startSwapgate(audited(false)), sent: 0 },
    { id: 'fsync true', gate: await startSwapgate(audited(true)), sent: 0 },
    { id: 'window 50 ms', gate: await startSwapgate(audited(false, 50)), sent: 0 },
  ];
  try {
    const fsType = statfsSync(targets[2].gate.dir).type;
    notes.push(fsType === TMPFS_MAGIC
      ? `WARNING: the audit files are on tmpfs (${targets[2].gate.dir}), where fdatasync costs nothing: the fsync figures say nothing`
      : `audit files in ${targets[2].gate.dir} (file system type 0x${fsType.toString(16)})`);
    for (const target of targets) {
      await warmUp(target.gate, 'a');
      const warm = await runLoad({ url: `${target.gate.url}/v1/chat/completions`, body, connections: CONNECTIONS, amount: Math.min(1000, amount) });
      assertClean(warm, `audit ${target.id} warm-up`);
      target.sent += 1 + warm.ok;
    }
    const samples = Object.fromEntries(targets.map((t) => [t.id, []]));
    for (let round = 0; round < ctx.runs; round++) {
      for (const target of targets) {
        const result = await runLoad({ url: `${target.gate.url}/v1/chat/completions`, body, connections: CONNECTIONS, amount });
        assertClean(result, `audit ${target.id}`);
        target.sent += result.ok;
        samples[target.id].push(result);
        ctx.log(`  round ${round + 1} ${target.id}: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`);
      }
    }
    for (const target of targets.slice(1)) {
      const { records } = await waitForAuditRecords(target.gate, AUDIT_FILE, target.sent);
      notes.push(records === target.sent
        ? `${target.id}: one audit record for each of the ${target.sent.toLocaleString('en-US')} requests`
        : `WARNING: ${target.id}: ${records.toLocaleString('en-US')} audit records for ${target.sent.toLocaleString('en-US')} requests`);
    }
    const pick = (id, field) => samples[id].map((r) => r[field]);
    const ratio = (a, b) => pick(a, 'reqPerSec').map((x, i) => x / pick(b, 'reqPerSec')[i]);
    const figures = [
      ...targets.map((t) => makeFigure(`req/s c=32 ${t.id}`, pick(t.id, 'reqPerSec'), 'req/s', { digits: 0 })),
      makeFigure('fsync true / fsync false req/s', ratio('fsync true', 'fsync false'), '×'),
      makeFigure('fsync false / no audit req/s', ratio('fsync false', 'no audit'), '×'),
      makeFigure('fsync false / window 50 ms req/s', ratio('fsync false', 'window 50 ms'), '×'),
      ...targets.map((t) => makeFigure(`p50 c=32 ${t.id}`, pick(t.id, 'p50Ms'), 'ms', { digits: 2 })),
      ...targets.map((t) => makeFigure(`p99 c=32 ${t.id}`, pick(t.id, 'p99Ms'), 'ms', { digits: 2 })),
    ];
    return { figures, notes, raw: samples };
  } finally {
    for (const target of targets) await target.gate.stop();
  }
}
