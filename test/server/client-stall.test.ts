// A client cannot hold a model or a group by not reading its answer: with clientStallTimeout, a
// client whose socket stays full is disconnected, its upstream request aborted and its slot
// released, so a request for the other member of the swap group is answered soon after the
// stall deadline. Real sockets, real supervisor, fake upstream processes.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { startServer } from '../../src/server/start-server.js';
import { createLogger } from '../../src/shared/logger.js';
import type { Supervisor } from '../../src/supervisor/types.js';
import type { LogHub } from '../../src/shared/log-hub.js';
import { makeConfig, makeModel } from '../helpers/model-config.js';
import { createRealSupervisor } from '../helpers/real-supervisor.js';
import { waitFor } from '../helpers/wait-for.js';

const STALL_MS = 2_000;
/** Stall deadline + starting b + slack for a loaded CI box; far below what frees a otherwise. */
const ANSWER_WITHIN_MS = STALL_MS + 4_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Daemon {
  readonly port: number;
  readonly supervisor: Supervisor;
  readonly hub: LogHub;
  /** The per-request log lines so far. */
  requestLines(): Record<string, unknown>[];
}

async function startWithRealSupervisor(): Promise<Daemon> {
  // a and b share the implicit swap group. a's unloadTimeout is long, so only the stall deadline
  // (not a forced unload after the swap starved) can free a within ANSWER_WITHIN_MS.
  const config = makeConfig([makeModel('a', { unloadTimeoutMs: 60_000 }), makeModel('b')], { clientStallTimeoutMs: STALL_MS });
  const { supervisor, hub } = createRealSupervisor(config);
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', toStdout: false, destination: { write: (line: string) => void lines.push(line) } });
  const swapgate = createApp({ config, supervisor, logger, hub });
  cleanups.push(() => supervisor.shutdown({ graceMs: 0, force: true }));
  cleanups.push(() => swapgate.close());
  const server = await startServer(swapgate, { host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close({ graceMs: 0 }));
  const requestLines = (): Record<string, unknown>[] =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');
  return { port: server.port, supervisor, hub, requestLines };
}

/** Sends a chat request on a raw socket that never reads a byte of the answer. */
function sendWithoutReading(port: number, body: Record<string, unknown>, reqId: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // swapgate cutting it off is the expected end
  socket.pause();
  const text = JSON.stringify(body);
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: swapgate\r\nContent-Type: application/json\r\n` +
      `X-Request-Id: ${reqId}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n`,
  );
  socket.write(text);
  cleanups.push(() => void socket.destroy());
  return socket;
}

async function expectBAnsweredSoon(d: Daemon): Promise<void> {
  const sentAt = Date.now();
  const res = await fetch(`http://127.0.0.1:${d.port}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'b', messages: [{ role: 'user', content: 'meanwhile' }] }),
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS + 2_000),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ choices: [{ message: { content: 'b says: meanwhile' } }] });
  expect(Date.now() - sentAt).toBeLessThan(ANSWER_WITHIN_MS);
}

async function expectStalledAndFreed(d: Daemon, reqId: string, upstreamReportsAbort: boolean): Promise<void> {
  const line = await waitFor(() => d.requestLines().find((l) => l.reqId === reqId), { what: `the request line of ${reqId}` });
  expect(line).toMatchObject({ model: 'a', outcome: 'client_stalled', aborted: true });
  expect(d.supervisor.status('a').inFlight).toBe(0);
  // A fake that already handed its whole answer to the kernel (non-streaming) cannot tell.
  if (!upstreamReportsAbort) return;
  await waitFor(() => d.hub.history('a').some((l) => l.includes('ABORTED /v1/chat/completions')), {
    what: 'the upstream of a reporting the abort',
  });
}

describe('clientStallTimeout', () => {
  it('disconnects a client that stops reading a stream, so b (same swap group) is answered', async () => {
    const d = await startWithRealSupervisor();
    // Far more than the socket buffers hold, produced as fast as they take it.
    sendWithoutReading(d.port, { model: 'a', messages: [], stream: true, fake_chunks: 10_000_000 }, 'stalled-stream');
    await waitFor(() => d.supervisor.status('a').inFlight === 1, { timeoutMs: 10_000, what: 'the stream on a' });
    await expectBAnsweredSoon(d);
    await expectStalledAndFreed(d, 'stalled-stream', true);
  });

  it('disconnects a client that does not read a non-streaming answer too large for the socket buffers', async () => {
    const d = await startWithRealSupervisor();
    // The fake echoes the prompt: a 24 MB answer.
    const prompt = 'x'.repeat(24 * 1024 * 1024);
    sendWithoutReading(d.port, { model: 'a', messages: [{ role: 'user', content: prompt }] }, 'stalled-json');
    await waitFor(() => d.supervisor.status('a').inFlight === 1, { timeoutMs: 10_000, what: 'the request on a' });
    await expectBAnsweredSoon(d);
    await expectStalledAndFreed(d, 'stalled-json', false);
  });

  it('does not count a slow upstream as a stall: a reading client gets the whole slow stream', async () => {
    const d = await startWithRealSupervisor();
    // Tokens further apart than the stall deadline: the client reads all the time, so no stall.
    const res = await fetch(`http://127.0.0.1:${d.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-request-id': 'slow-upstream' },
      body: JSON.stringify({ model: 'a', messages: [], stream: true, fake_chunks: 2, fake_chunk_delay_ms: STALL_MS + 500 }),
    });
    const text = await res.text();
    expect(text).toContain('data: [DONE]');
    const line = await waitFor(() => d.requestLines().find((l) => l.reqId === 'slow-upstream'), { what: 'the request line' });
    expect(line.outcome).toBeUndefined();
  });
});
