// 3. Swap latency: alternate requests A, B, A, B ... (20 swaps) through swapgate and time each
// one; next to it, the upstream's own cost of a swap measured directly (SIGTERM → exit, spawn →
// /health 200 polled every 5 ms). Once with the fake upstream (--ready-after-ms 200), once
// with two real llama-servers on tiny GGUFs, and then llama.cpp's own router mode
// (--models-dir, --models-max 1) over the same two GGUFs.
import { chatBody, requestJson, waitForHealth } from './lib/http-client.mjs';
import { FAKE_SERVER, adoptPid, getFreePort, spawnLogged, stopProcess } from './lib/processes.mjs';
import { makeFigure } from './lib/report.mjs';
import { median } from './lib/stats.mjs';
import { fakeModel, llamaModel, makeConfig, startSwapgate } from './lib/swapgate.mjs';

export const name = 'swap';
export const title = 'swap latency (A, B, A, B ...)';

const SWAPS = 20;
const FAKE_READY_AFTER_MS = 200;
const HEALTH_POLL_MS = 5;
const WARM_REQUESTS = 5;

export async function run(ctx) {
  const notes = [
    'reference on this machine class: llama-swap ~267 ms median per swap, llama.cpp router ~85 ms, llama-server\'s own stop+start ~50 ms',
  ];
  const samples = {};
  const push = (key, value) => (samples[key] ??= []).push(value);

  const fakeSpecs = ['a', 'b'].map((model) => ({
    model, command: process.execPath,
    args: (port) => [FAKE_SERVER, '--port', String(port), '--model', model, '--ready-after-ms', String(FAKE_READY_AFTER_MS)],
  }));
  for (let round = 0; round < ctx.runs; round++) {
    const direct = await measureDirectSwaps(fakeSpecs);
    push('fake/spawn', direct.spawnMs); push('fake/stop', direct.stopMs); push('fake/cycle', direct.cycleMs);
    if (ctx.withDaemon) {
      const gate = await startSwapgate(makeConfig({ a: fakeModel('a', { readyAfterMs: FAKE_READY_AFTER_MS }), b: fakeModel('b', { readyAfterMs: FAKE_READY_AFTER_MS }) }));
      try {
        const swaps = await alternate(gate.url, ['a', 'b'], checkFake);
        push('fake/swapgate', swaps.swapMs); push('fake/swapgate-warm', swaps.warmMs);
      } finally { await gate.stop(); }
    }
    ctx.log(`  fake round ${round + 1}: stop+start ${direct.cycleMs.toFixed(1)} ms${ctx.withDaemon ? `, swapgate swap ${samples['fake/swapgate'].at(-1).toFixed(1)} ms` : ''}`);
  }

  let llama = null;
  try { llama = await ctx.getLlama(); } catch (error) {
    notes.push(`llama-server part SKIPPED: ${error.message.split('\n')[0]}`);
  }
  if (llama !== null) {
    notes.push(`llama-server: ${llama.server}; models: ${llama.ggufs.map((g) => g.name).join(', ')} (scripts/make-tiny-gguf.mjs)`);
    const llamaSpecs = llama.ggufs.map((gguf) => ({
      model: gguf.name, command: llama.server, args: (port) => ['--port', String(port), '-m', gguf.path, '-c', '256'],
    }));
    const names = llama.ggufs.map((g) => g.name);
    for (let round = 0; round < ctx.runs; round++) {
      const direct = await measureDirectSwaps(llamaSpecs);
      push('llama/spawn', direct.spawnMs); push('llama/stop', direct.stopMs); push('llama/cycle', direct.cycleMs);
      if (ctx.withDaemon) {
        const models = Object.fromEntries(llama.ggufs.map((g) => [g.name, llamaModel(llama.server, g.path)]));
        const gate = await startSwapgate(makeConfig(models));
        try {
          const swaps = await alternate(gate.url, names, checkLlama);
          push('llama/swapgate', swaps.swapMs); push('llama/swapgate-warm', swaps.warmMs);
        } finally { await gate.stop(); }
      }
      const router = await measureRouter(llama, names);
      push('llama/router', router.swapMs); push('llama/router-warm', router.warmMs);
      ctx.log(`  llama round ${round + 1}: stop+start ${direct.cycleMs.toFixed(1)} ms, router swap ${router.swapMs.toFixed(1)} ms${ctx.withDaemon ? `, swapgate swap ${samples['llama/swapgate'].at(-1).toFixed(1)} ms` : ''}`);
    }
    notes.push('llama-server is started through the install script\'s bash wrapper (exec, same pid) by swapgate and by the direct measurement; the router re-executes the binary itself');
  }
  return { figures: makeFigures(samples), notes, raw: samples };
}

// What a swap costs the upstream itself: stop the running server, start the other one, poll
// /health until 200. Resolves with the medians over SWAPS swaps.
async function measureDirectSwaps(specs) {
  const spawnMs = [];
  const stopMs = [];
  const cycleMs = [];
  let current = await startDirect(specs[0]);
  try {
    for (let i = 1; i <= SWAPS; i++) {
      const stopped = await stopProcess(current.child);
      current = await startDirect(specs[i % specs.length]);
      stopMs.push(stopped); spawnMs.push(current.healthyMs); cycleMs.push(stopped + current.healthyMs);
    }
  } finally { await stopProcess(current.child); }
  return { spawnMs: median(spawnMs), stopMs: median(stopMs), cycleMs: median(cycleMs) };
}

async function startDirect(spec) {
  const port = await getFreePort();
  const startedAt = performance.now();
  const child = spawnLogged(spec.command, spec.args(port));
  await waitForHealth(`http://127.0.0.1:${port}/health`, {
    intervalMs: HEALTH_POLL_MS, timeoutMs: 30_000, isAlive: () => child.exitCode === null && child.signalCode === null,
  });
  return { child, port, healthyMs: performance.now() - startedAt };
}

// Loads models[0], then sends SWAPS requests alternating between the models, each one a swap.
// Ends with WARM_REQUESTS to the loaded model for a non-swap reference.
// A fresh connection per request: llama.cpp's router closes the client connection after a
// proxied answer, so a kept-alive socket fails on reuse; all targets get the same treatment.
async function alternate(baseUrl, models, check) {
  const agent = false;
  const send = async (model) => {
    const res = await requestJson(`${baseUrl}/v1/chat/completions`, { body: chatBody(model, { max_tokens: 4 }), agent });
    if (res.status !== 200) throw new Error(`model "${model}" via ${baseUrl}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    check(model, res);
    return res.ms;
  };
  await send(models[0]);
  const swapMs = [];
  for (let i = 1; i <= SWAPS; i++) swapMs.push(await send(models[i % models.length]));
  const warmMs = [];
  for (let i = 0; i < WARM_REQUESTS; i++) warmMs.push(await send(models[SWAPS % models.length]));
  return { swapMs: median(swapMs), warmMs: median(warmMs) };
}

function checkFake(model, res) {
  adoptPid(Number(res.headers['x-fake-pid']));
  if (res.headers['x-fake-model'] !== model) throw new Error(`asked for "${model}", answered by "${res.headers['x-fake-model']}"`);
}

// llama-server names itself after its -m path (or, under the router, after its alias).
function checkLlama(model, res) {
  const answeredBy = JSON.parse(res.text).model;
  if (typeof answeredBy !== 'string' || !answeredBy.includes(model)) throw new Error(`asked for "${model}", answered by "${answeredBy}"`);
}

async function measureRouter(llama, names) {
  const port = await getFreePort();
  const router = spawnLogged(llama.server, ['--models-dir', llama.dir, '--models-max', '1', '--port', String(port), '-c', '256']);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(`${url}/health`, { timeoutMs: 30_000, isAlive: () => router.exitCode === null });
    const listed = JSON.parse((await requestJson(`${url}/models`, { method: 'GET' })).text).data.map((m) => m.id);
    for (const name of names) if (!listed.includes(name)) throw new Error(`router lists ${JSON.stringify(listed)}, not "${name}"`);
    return await alternate(url, names, checkLlama);
  } finally { await stopProcess(router); }
}

function makeFigures(samples) {
  const figures = [];
  const has = (key) => samples[key] !== undefined;
  const diff = (a, b) => samples[a].map((x, i) => x - samples[b][i]);
  for (const kind of ['fake', 'llama']) {
    if (!has(`${kind}/spawn`)) continue;
    const label = kind === 'fake' ? 'fake(200ms)' : 'tiny GGUF';
    figures.push(makeFigure(`${label}: upstream spawn→healthy`, samples[`${kind}/spawn`], 'ms', { digits: 1 }));
    figures.push(makeFigure(`${label}: upstream stop (SIGTERM→exit)`, samples[`${kind}/stop`], 'ms', { digits: 1 }));
    figures.push(makeFigure(`${label}: upstream stop+start`, samples[`${kind}/cycle`], 'ms', { digits: 1 }));
    if (has(`${kind}/swapgate`)) {
      const target = kind === 'llama' ? { op: '<=', value: 60, label: '≤ 60 ms' } : undefined;
      figures.push(makeFigure(`${label}: swapgate swap request`, samples[`${kind}/swapgate`], 'ms', { digits: 1, target }));
      const overTarget = kind === 'llama' ? { op: '<=', value: 10, label: '≤ ~10 ms' } : undefined;
      figures.push(makeFigure(`${label}: swapgate over stop+start`, diff(`${kind}/swapgate`, `${kind}/cycle`), 'ms', { digits: 1, target: overTarget }));
      figures.push(makeFigure(`${label}: swapgate non-swap request`, samples[`${kind}/swapgate-warm`], 'ms', { digits: 2 }));
      // What the swap itself costs beyond the server's own stop+start: the request's own work
      // (a non-swap request to the same model) taken out too.
      const swapOnly = diff(`${kind}/swapgate`, `${kind}/cycle`).map((x, i) => x - samples[`${kind}/swapgate-warm`][i]);
      figures.push(makeFigure(`${label}: swap wait over stop+start+request`, swapOnly, 'ms', { digits: 1 }));
    }
    if (has(`${kind}/router`)) {
      figures.push(makeFigure(`${label}: router swap request`, samples[`${kind}/router`], 'ms', { digits: 1 }));
      figures.push(makeFigure(`${label}: router non-swap request`, samples[`${kind}/router-warm`], 'ms', { digits: 2 }));
      if (has(`${kind}/swapgate`)) {
        const ratio = samples[`${kind}/swapgate`].map((x, i) => x / samples[`${kind}/router`][i]);
        figures.push(makeFigure(`${label}: swapgate / router swap`, ratio, '×', { target: { op: '<=', value: 0.75, label: '≤ 0.75×' } }));
      }
    }
  }
  return figures;
}
