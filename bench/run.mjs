#!/usr/bin/env node
// Runs swapgate's benchmarks, prints one table and writes bench/results.json.
// Usage: node bench/run.mjs [--quick] [--only NAME[,NAME]] [--runs N] [--skip-swapgate]
//        [--llama-server PATH] [--daemon PATH]
// Builds nothing: `npm run build` first (dist/main.js must exist unless --skip-swapgate).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAdopted, stopAll } from './lib/processes.mjs';
import { printTable } from './lib/report.mjs';
import { assertDaemonBuilt, useDaemon } from './lib/swapgate.mjs';
import { prepareLlama } from './lib/llama.mjs';
import { measureBusyCpuPercent } from './lib/cpu-noise.mjs';
import * as proxy from './proxy-overhead.mjs';
import * as streaming from './streaming.mjs';
import * as swap from './swap-latency.mjs';
import * as concurrency from './concurrency.mjs';
import * as memory from './memory.mjs';
import * as governance from './governance.mjs';
import * as audit from './audit.mjs';
import * as observe from './observe.mjs';

const BENCHMARKS = [proxy, streaming, swap, concurrency, memory, governance, audit, observe];
// Above this share of CPU used by others (measured while we run nothing), figures are suspect.
const BUSY_WARNING_PERCENT = 15;
const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));
const USAGE = `usage: node bench/run.mjs [--quick] [--only NAME[,NAME]] [--runs N] [--skip-swapgate] [--llama-server PATH]
benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      'skip-swapgate': { type: 'boolean', default: false },
      'llama-server': { type: 'string' },
      daemon: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const known = new Set(BENCHMARKS.map((b) => b.name));
  const only = values.only === undefined ? null : values.only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of only ?? []) if (!known.has(name)) throw new Error(`--only: unknown benchmark "${name}"\n${USAGE}`);
  const runs = values.runs === undefined ? (values.quick ? 3 : 5) : Number(values.runs);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got "${values.runs}"`);
  return { help: false, quick: values.quick, only, runs, skipSwapgate: values['skip-swapgate'], llamaServer: values['llama-server'] ?? null, daemon: values.daemon ?? null };
}

async function main() {
  let options;
  try { options = parseOptions(process.argv.slice(2)); } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  if (options.help) { process.stdout.write(`${USAGE}\n`); return 0; }
  if (options.daemon !== null) useDaemon(options.daemon);
  if (!options.skipSwapgate) {
    try { assertDaemonBuilt(); } catch (error) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 1;
    }
  }
  const selected = BENCHMARKS.filter((b) => options.only === null || options.only.includes(b.name));
  const log = (line) => process.stderr.write(`${line}\n`);
  let llama;
  const ctx = {
    quick: options.quick, runs: options.runs, withDaemon: !options.skipSwapgate, log,
    // Resolved once, on first use: installing llama-server and writing GGUFs takes a while.
    getLlama: () => (llama ??= prepareLlama({ override: options.llamaServer, log })),
  };
  const startedAt = new Date();
  const results = [];
  for (const bench of selected) {
    const otherCpuPercent = await measureBusyCpuPercent();
    log(`== ${bench.name}: ${bench.title} (other work on the machine: ${otherCpuPercent.toFixed(0)}% CPU)`);
    const benchStartedAt = performance.now();
    try {
      const result = await bench.run(ctx);
      results.push({ name: bench.name, title: bench.title, seconds: (performance.now() - benchStartedAt) / 1000, otherCpuPercent, ...result });
    } catch (error) {
      log(`   ${bench.name} failed: ${error.stack ?? error}`);
      results.push({ name: bench.name, title: bench.title, otherCpuPercent, error: String(error.message ?? error), figures: [], notes: [`FAILED: ${String(error.message ?? error).split('\n')[0]}`] });
    } finally {
      await stopAll();
      const leftovers = killAdopted();
      if (leftovers > 0) log(`   killed ${leftovers} upstream process(es) the daemon left behind`);
    }
  }
  if (llama !== undefined) (await llama.catch(() => null))?.cleanup();
  for (const result of results) {
    if (result.otherCpuPercent > BUSY_WARNING_PERCENT) {
      result.notes.push(`WARNING: other work used ${result.otherCpuPercent.toFixed(0)}% of the CPU just before this benchmark: its figures are noisy`);
    }
  }
  process.stdout.write('\n');
  printTable(results);
  const report = {
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: { loadavg: os.loadavg(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    options: { quick: options.quick, runs: options.runs, only: options.only, skipSwapgate: options.skipSwapgate, daemon: options.daemon },
    benchmarks: results.map(({ raw, ...rest }) => ({ ...rest, raw: raw ?? null })),
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nwrote ${RESULTS_PATH}`);
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAll().finally(() => { killAdopted(); process.exit(130); });
  });
}

process.exitCode = await main();
