// The daemon in front of real llama.cpp servers (two tiny generated models), driven by the official
// openai client: chat, streaming, swapping, TTL unload, a crashed upstream, shutdown and orphans.
// The models produce random (possibly empty) text, so content is never asserted, only shape.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, stopAllDaemons, type Daemon } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  alivePids,
  cmdWord,
  getLlamaServerPath,
  getStartedPids,
  makeTinyGguf,
  randomStartPort,
  waitForPidsGone,
  waitForReady,
  waitForStartedPid,
} from './e2e-fixtures.js';

const TEST_TIMEOUT_MS = 60_000;

let modelsDir: string;
let llamaServer: string;

beforeAll(async () => {
  llamaServer = getLlamaServerPath();
  modelsDir = await mkdtemp(join(tmpdir(), 'swapgate-e2e-gguf-'));
  await Promise.all([makeTinyGguf(1, join(modelsDir, 'a.gguf')), makeTinyGguf(2, join(modelsDir, 'b.gguf'))]);
});
afterAll(async () => {
  if (modelsDir !== undefined) await rm(modelsDir, { recursive: true, force: true });
});
afterEach(stopAllDaemons);

function llamaCmd(file: string): string {
  return [llamaServer, '--host', '127.0.0.1', '--port', '${PORT}', '-m', join(modelsDir, file), '-c', '256'].map(cmdWord).join(' ');
}

// One implicit swap group: at most one of these runs at a time.
function configText(): string {
  return [
    `startPort: ${randomStartPort()}`,
    'healthCheckTimeout: 30',
    'logLevel: debug', // every stop's reason on record too (starts are logged with their pid at info)
    'models:',
    '  tiny-a:',
    `    cmd: ${llamaCmd('a.gguf')}`,
    '  tiny-b:',
    `    cmd: ${llamaCmd('b.gguf')}`,
    '  tiny-ttl:',
    `    cmd: ${llamaCmd('a.gguf')}`,
    '    ttl: 1',
    '',
  ].join('\n');
}

function clientFor(daemon: Daemon): OpenAI {
  // No retries: a failed request must show up as a failure, not be papered over.
  return new OpenAI({ baseURL: `${daemon.baseUrl}/v1`, apiKey: 'not-needed', maxRetries: 0, timeout: 30_000 });
}

const MESSAGES = [{ role: 'user' as const, content: 'Say hello.' }];

/** The pid /running lists for `model` right now (recording it for the final check). */
async function pidOf(daemon: Daemon, model: string): Promise<number> {
  return (await waitForReady(daemon, model)).pid;
}

/** SIGTERM → exit 0, and not one llama-server pid ever seen (in /running or the logs) survives. */
async function stopAndExpectNoSurvivors(daemon: Daemon): Promise<void> {
  // Log lines arrive asynchronously: wait until every pid /running showed has its record too.
  await waitFor(() => daemon.seenPids().every((pid) => getStartedPids(daemon).includes(pid)), {
    what: 'a "ready" state record for every pid seen in /running',
  });
  const seen = getStartedPids(daemon);
  expect(seen.length).toBeGreaterThan(0);
  const exit = await daemon.stop('SIGTERM');
  expect(exit).toMatchObject({ exitCode: 0, signal: null });
  expect(alivePids(seen)).toEqual([]);
}

describe('real llama-server behind the daemon', () => {
  it('answers a chat completion and a streamed one through the openai client', async () => {
    const daemon = await startDaemon({ configText: configText() });
    const client = clientFor(daemon);

    const completion = await client.chat.completions.create({ model: 'tiny-a', messages: MESSAGES, max_tokens: 8 });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
    const pid = await pidOf(daemon, 'tiny-a');

    const stream = await client.chat.completions.create({ model: 'tiny-a', messages: MESSAGES, max_tokens: 8, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop' || c.choices[0]?.finish_reason === 'length')).toBe(true);

    // The wire format itself: SSE events, the last one "data: [DONE]".
    const raw = await daemon.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-a', messages: MESSAGES, max_tokens: 8, stream: true }),
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await raw.text()).split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toBe('data: [DONE]');

    // All three requests were served by the one process started for tiny-a.
    expect(await pidOf(daemon, 'tiny-a')).toBe(pid);
    await stopAndExpectNoSurvivors(daemon);
  }, TEST_TIMEOUT_MS);

  it('swaps A → B: A is stopped before B serves', async () => {
    const daemon = await startDaemon({ configText: configText() });
    const client = clientFor(daemon);

    await client.chat.completions.create({ model: 'tiny-a', messages: MESSAGES, max_tokens: 4 });
    const pidA = await pidOf(daemon, 'tiny-a');

    const fromB = await client.chat.completions.create({ model: 'tiny-b', messages: MESSAGES, max_tokens: 4 });
    expect(fromB.choices[0]?.message.role).toBe('assistant');
    expect(alivePids([pidA])).toEqual([]);
    const running = await daemon.running();
    expect(running.map((r) => [r.model, r.state])).toEqual([['tiny-b', 'ready']]);
    expect(running[0]?.pid).not.toBe(pidA);

    // And back: A gets a fresh process.
    await client.chat.completions.create({ model: 'tiny-a', messages: MESSAGES, max_tokens: 4 });
    const pidA2 = await pidOf(daemon, 'tiny-a');
    expect(pidA2).not.toBe(pidA);
    expect(alivePids(daemon.seenPids())).toEqual([pidA2]);
    await stopAndExpectNoSurvivors(daemon);
  }, TEST_TIMEOUT_MS);

  it('unloads a model with ttl: 1 once it is idle, and its process is gone', async () => {
    const daemon = await startDaemon({ configText: configText() });
    const client = clientFor(daemon);
    await client.chat.completions.create({ model: 'tiny-ttl', messages: MESSAGES, max_tokens: 4 });
    // Not from /running: after 1 s idle it may already be gone from there.
    const pid = await waitForStartedPid(daemon, 'tiny-ttl');

    await waitFor(async () => (await daemon.running()).length === 0, { timeoutMs: 20_000, what: '/running to be empty after the ttl' });
    expect(alivePids([pid])).toEqual([]);

    // It starts again on demand.
    await client.chat.completions.create({ model: 'tiny-ttl', messages: MESSAGES, max_tokens: 4 });
    await waitFor(() => getStartedPids(daemon).length === 2, { what: 'a second tiny-ttl process' });
    expect(getStartedPids(daemon)[1]).not.toBe(pid);
    await stopAndExpectNoSurvivors(daemon);
  }, TEST_TIMEOUT_MS);

  it('restarts an upstream killed with SIGKILL on the next request', async () => {
    const daemon = await startDaemon({ configText: configText() });
    const client = clientFor(daemon);
    await client.chat.completions.create({ model: 'tiny-a', messages: MESSAGES, max_tokens: 4 });
    const pid = await pidOf(daemon, 'tiny-a');

    process.kill(pid, 'SIGKILL');
    await waitForPidsGone([pid], 10_000, 'the killed llama-server');
    // Wait until the daemon has seen the exit: a request sent in the few ms before that gets a
    // 502 (see the BUG test in upstream-crash.test.ts).
    await waitFor(async () => (await daemon.running()).length === 0, { timeoutMs: 10_000, what: 'the daemon to notice the exit' });

    const again = await client.chat.completions.create({ model: 'tiny-a', messages: MESSAGES, max_tokens: 4 });
    expect(again.choices[0]?.message.role).toBe('assistant');
    const restarted = await pidOf(daemon, 'tiny-a');
    expect(restarted).not.toBe(pid);
    await stopAndExpectNoSurvivors(daemon);
  }, TEST_TIMEOUT_MS);

  it('leaves no llama-server behind after a busy session and SIGTERM', async () => {
    const daemon = await startDaemon({ configText: configText() });
    const client = clientFor(daemon);
    for (const model of ['tiny-a', 'tiny-b', 'tiny-ttl', 'tiny-a', 'tiny-b']) {
      await client.chat.completions.create({ model, messages: MESSAGES, max_tokens: 4 });
      await pidOf(daemon, model);
    }
    // /api/models/unload, then load again: more pids for the final check.
    expect((await daemon.request('/api/models/unload', { method: 'POST' })).status).toBe(200);
    expect(await daemon.running()).toEqual([]);
    expect(alivePids(daemon.seenPids())).toEqual([]);
    await client.chat.completions.create({ model: 'tiny-b', messages: MESSAGES, max_tokens: 4 });
    await pidOf(daemon, 'tiny-b');

    expect(daemon.seenPids().length).toBe(6);
    await stopAndExpectNoSurvivors(daemon);
  }, TEST_TIMEOUT_MS);
});
