// Unload, swap and shutdown always finish, over real sockets with real upstream processes: a
// request that never ends is given unloadTimeout, then ended with an OpenAI-shaped error (an SSE
// error event, or a 503 before the head), the process is stopped, and the caller gets its answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupConfig, ModelConfig } from '../../src/config/types.js';
import { createApp } from '../../src/server/app.js';
import { startServer } from '../../src/server/start-server.js';
import type { Supervisor } from '../../src/supervisor/types.js';
import { fakeCmd, makeConfig, makeModel } from '../helpers/model-config.js';
import { createRealSupervisor } from '../helpers/real-supervisor.js';
import { waitFor } from '../helpers/wait-for.js';
import { parseSse, type ErrorBody } from './harness.js';

const UNLOAD_MS = 1_000;
/** unloadTimeout to drain + unloadTimeout between SIGTERM and SIGKILL + slack for a loaded CI box. */
const BOUND_MS = 2 * UNLOAD_MS + 1_500;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Daemon {
  readonly url: string;
  readonly supervisor: Supervisor;
  post(path: string, body?: Record<string, unknown>): Promise<Response>;
  /** Models /running lists (anything not stopped). */
  running(): Promise<Array<{ model: string; state: string; pid: number | null }>>;
}

async function startInProcess(models: ModelConfig[], options: { groups?: GroupConfig[]; starvationMs?: number } = {}): Promise<Daemon> {
  const config = makeConfig(models, options.groups === undefined ? {} : { groups: options.groups });
  const { supervisor, hub, logger } = createRealSupervisor(config, options.starvationMs === undefined ? {} : { starvationMs: options.starvationMs });
  const swapgate = createApp({ config, supervisor, logger, hub });
  cleanups.push(() => supervisor.shutdown({ graceMs: 0, force: true }));
  cleanups.push(() => swapgate.close());
  const server = await startServer(swapgate, { host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const url = `http://127.0.0.1:${server.port}`;
  const post = (path: string, body?: Record<string, unknown>): Promise<Response> =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const running = async (): Promise<Array<{ model: string; state: string; pid: number | null }>> => {
    const res = await fetch(`${url}/running`);
    return ((await res.json()) as { running: Array<{ model: string; state: string; pid: number | null }> }).running;
  };
  return { url, supervisor, post, running };
}

function chatBody(model: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

/** A stream the fake upstream never ends (a token every 50 ms, for practically ever). */
const NEVER_ENDING = { stream: true, fake_chunks: 1_000_000_000, fake_chunk_delay_ms: 50 };

interface OpenStream {
  readonly pid: number;
  /** Everything the client received once the response ended; rejects if it was cut instead. */
  readonly rest: Promise<string>;
}

/** Opens a never-ending stream and returns once its first event arrived. */
async function openStream(daemon: Daemon, model: string): Promise<OpenStream> {
  const res = await daemon.post('/v1/chat/completions', chatBody(model, NEVER_ENDING));
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before its first event: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  const rest = (async (): Promise<string> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  rest.catch(() => undefined); // awaited by the test; this copy only keeps a cut from going unhandled
  return { pid: Number(res.headers.get('x-fake-pid')), rest };
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true; // ESRCH: no such process, which is what we ask about
  }
  return false;
}

/** The last two events: the error (OpenAI-shaped, from swapgate) and [DONE]. */
function lastEvents(text: string): { error: ErrorBody | undefined; done: unknown } {
  const events = parseSse(text);
  return { error: events.at(-2) as ErrorBody | undefined, done: events.at(-1) };
}

describe('an unload with a request that never ends', () => {
  it('answers within unloadTimeout + grace; the stream gets an error event and ends; a second unload returns with it', async () => {
    // The upstream ignores SIGTERM too: the stop needs its SIGKILL after the grace period.
    const daemon = await startInProcess([makeModel('a', { unloadTimeoutMs: UNLOAD_MS, cmd: fakeCmd('--model', 'a', '--ignore-sigterm') })]);
    const stream = await openStream(daemon, 'a');

    const startedAt = Date.now();
    const timed = (res: Promise<Response>): Promise<{ status: number; ms: number }> => res.then((r) => ({ status: r.status, ms: Date.now() - startedAt }));
    const [first, second] = await Promise.all([timed(daemon.post('/api/models/unload/a')), timed(daemon.post('/api/models/unload/a'))]);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.ms).toBeGreaterThanOrEqual(UNLOAD_MS - 50);
    expect(Math.max(first.ms, second.ms)).toBeLessThan(BOUND_MS);
    const { error, done } = lastEvents(await stream.rest);
    expect(error).toMatchObject({ error: { code: 'model_unloaded', type: 'server_error', model: 'a', reason: 'api' }, src: 'swapgate' });
    expect(done).toBe('[DONE]');
    expect(await daemon.running()).toEqual([]);
    expect(daemon.supervisor.status('a')).toMatchObject({ state: 'stopped', inFlight: 0, pid: null });
    expect(isGone(stream.pid)).toBe(true);
  });

  it('answers a waiting non-streaming request with 503 model_unloaded', async () => {
    const daemon = await startInProcess([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    await daemon.post('/api/models/load/a');
    const { pid } = daemon.supervisor.status('a');
    const waiting = daemon.post('/v1/chat/completions', chatBody('a', { fake_delay_ms: 600_000 }));
    await waitFor(() => daemon.supervisor.status('a').inFlight === 1, { what: 'the request in flight' });

    const unload = await daemon.post('/api/models/unload');
    const res = await waiting;
    expect(unload.status).toBe(200);
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'model_unloaded', type: 'server_error', model: 'a' });
    expect(await daemon.running()).toEqual([]);
    expect(isGone(pid ?? -1)).toBe(true);
  });

  it('makes a load that arrives meanwhile wait for the stop, then start a fresh process', async () => {
    const daemon = await startInProcess([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    const stream = await openStream(daemon, 'a');
    const order: string[] = [];
    const unloading = daemon.supervisor.unload('a', 'api').then(() => order.push('unloaded'));
    const load = await daemon.post('/api/models/load/a');
    order.push('loaded');
    await unloading;

    expect(load.status).toBe(200);
    expect(order).toEqual(['unloaded', 'loaded']);
    expect(lastEvents(await stream.rest).error?.error.code).toBe('model_unloaded');
    const [now] = await daemon.running();
    expect(now).toMatchObject({ model: 'a', state: 'ready' });
    expect(now?.pid).not.toBe(stream.pid);
    expect(isGone(stream.pid)).toBe(true);
  });
});

describe('a swap with a request that never ends', () => {
  it('starts the other model once the swap starved and the stuck stream had unloadTimeout', async () => {
    const STARVATION_MS = 200;
    const daemon = await startInProcess([makeModel('a', { unloadTimeoutMs: UNLOAD_MS }), makeModel('b')], { starvationMs: STARVATION_MS });
    const stream = await openStream(daemon, 'a');

    const startedAt = Date.now();
    const res = await daemon.post('/v1/chat/completions', chatBody('b'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fake-model')).toBe('b');
    expect(Date.now() - startedAt).toBeLessThan(STARVATION_MS + BOUND_MS);
    expect(lastEvents(await stream.rest).error).toMatchObject({ error: { code: 'model_unloaded', reason: 'swap' } });
    expect((await daemon.running()).map((m) => m.model)).toEqual(['b']);
    expect(isGone(stream.pid)).toBe(true);
  });
});

describe('a shutdown with a request that never ends', () => {
  it('finishes within unloadTimeout, however long graceMs is, after an error event for the stream', async () => {
    const daemon = await startInProcess([makeModel('a', { unloadTimeoutMs: UNLOAD_MS })]);
    const stream = await openStream(daemon, 'a');
    const startedAt = Date.now();
    await daemon.supervisor.shutdown({ graceMs: 60_000 });
    expect(Date.now() - startedAt).toBeLessThan(BOUND_MS);
    expect(lastEvents(await stream.rest).error).toMatchObject({ error: { code: 'shutting_down' }, src: 'swapgate' });
    expect(isGone(stream.pid)).toBe(true);
  });
});
