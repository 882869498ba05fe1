// Streaming over real sockets: unbuffered delivery, client disconnects, loading-state frames.
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamStartError } from '../../src/shared/errors.js';
import { makeModel } from '../helpers/model-config.js';
import { parseSse, readJson, startHarness, type Harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

interface ChunkEvent {
  object: string;
  choices: { delta: { content?: string; reasoning_content?: string; role?: string } }[];
}
interface FakeStats {
  inFlight: number;
}

const streamBody = (model: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'go' }], ...extra });

/** Reads from a web stream until the accumulated text satisfies `until`. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { text: string }, until: (text: string) => boolean): Promise<void> {
  const decoder = new TextDecoder();
  while (!until(seen.text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before the condition held; got: ${seen.text}`);
    seen.text += decoder.decode(value, { stream: true });
  }
}

const contentOf = (events: unknown[]): string =>
  events
    .filter((e): e is ChunkEvent => typeof e === 'object' && e !== null && 'choices' in e)
    .map((e) => e.choices[0]?.delta.content ?? '')
    .join('');

const reasoningOf = (events: unknown[]): string =>
  events
    .filter((e): e is ChunkEvent => typeof e === 'object' && e !== null && 'choices' in e)
    .map((e) => e.choices[0]?.delta.reasoning_content ?? '')
    .join('');

describe('streaming', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('stream'), makeModel('lazy', { sendLoadingState: true }), makeModel('broken', { sendLoadingState: true })],
      app: { loadingDotIntervalMs: 20 },
    });
  });
  afterAll(() => h.close());

  it('delivers the first chunk while the upstream is still streaming (no buffering)', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamBody('stream', { fake_chunks: 10, fake_chunk_delay_ms: 50 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const seen = { text: '' };
    await readUntil(reader, seen, (t) => t.includes('tok0'));
    // The upstream has not finished: the proxy forwarded the first chunk as soon as it came.
    const stats = await readJson<FakeStats>(await fetch(`${h.stub.fake('stream').baseUrl}/fake/stats`));
    expect(stats.inFlight).toBe(1);
    expect(seen.text).not.toContain('[DONE]');
    await readUntil(reader, seen, (t) => t.includes('[DONE]'));
    expect(contentOf(parseSse(seen.text))).toBe(Array.from({ length: 10 }, (_, i) => `tok${i} `).join(''));
    await waitFor(() => h.stub.inFlight('stream') === 0, { what: 'lease release' });
  });

  // Guards the cork that coalesces a burst into one write: undone before the end, or the
  // kept-alive socket would stay corked and the next response would hang.
  it('a burst of events arrives whole and in order, and the kept-alive connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const send = (body: string): Promise<{ res: IncomingMessage; text: string; reused: boolean }> =>
        new Promise((resolve, reject) => {
          const req = httpRequest(`${h.url}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ res, text, reused: req.reusedSocket }));
          });
          req.on('error', reject);
          req.end(body);
        });
      // 300 events written back to back: the proxy reads many per socket read and writes them coalesced.
      const burst = await send(streamBody('stream', { fake_chunks: 300, fake_chunk_delay_ms: 0 }));
      expect(burst.res.statusCode).toBe(200);
      const events = parseSse(burst.text);
      expect(contentOf(events)).toBe(Array.from({ length: 300 }, (_, i) => `tok${i} `).join(''));
      expect(events.at(-1)).toBe('[DONE]');
      const next = await send(JSON.stringify({ model: 'stream', messages: [{ role: 'user', content: 'again' }] }));
      expect(next.res.statusCode).toBe(200);
      expect(next.reused).toBe(true);
      expect(JSON.parse(next.text)).toMatchObject({ object: 'chat.completion' });
    } finally {
      agent.destroy();
    }
  });

  it('streams a short completion whole, ending with [DONE]', async () => {
    const res = await h.request('/v1/chat/completions', { method: 'POST', body: streamBody('stream', { fake_chunks: 3 }) });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    expect(contentOf(events)).toBe('tok0 tok1 tok2 ');
    expect(events.at(-1)).toBe('[DONE]');
  });

  it('a client disconnect aborts the upstream request and releases the lease at once', async () => {
    const fake = h.stub.fake('stream');
    const reqId = 'disconnect-1';
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': reqId },
      });
      req.on('response', (res: IncomingMessage) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end(streamBody('stream', { fake_chunks: 200, fake_chunk_delay_ms: 20 }));
    });
    await fake.waitForLine(/^ABORTED \/v1\/chat\/completions$/);
    await waitFor(() => h.stub.inFlight('stream') === 0, { what: 'lease release' });
    await waitFor(() => h.requestLine(reqId) !== undefined, { what: 'request log line' });
    expect(h.requestLine(reqId)).toMatchObject({ status: 200, aborted: true, model: 'stream' });
  });

  it('a client leaving while its model loads stops waiting (the acquire signal fires)', async () => {
    await h.stub.unload('stream');
    const releaseStart = h.stub.holdStart('stream');
    const acquiredBefore = h.stub.acquired.length;
    const req = httpRequest(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'left-while-loading' },
    });
    req.on('error', () => undefined); // we destroy it ourselves below
    req.end(streamBody('stream'));
    await waitFor(() => h.stub.status('stream').state === 'starting', { what: 'start in progress' });
    req.destroy();
    await waitFor(() => h.requestLine('left-while-loading') !== undefined, { what: 'request log line' });
    expect(h.requestLine('left-while-loading')).toMatchObject({ status: 499, aborted: true });
    releaseStart();
    await waitFor(() => h.stub.status('stream').state === 'ready', { what: 'start to finish' });
    expect(h.stub.acquired.length).toBe(acquiredBefore);
    expect(h.stub.inFlight('stream')).toBe(0);
  });

  it('a client cancelling the response body (fetch) aborts the upstream too', async () => {
    const fake = h.stub.fake('stream');
    const before = fake.stderrLines().filter((l) => l.startsWith('ABORTED')).length;
    const res = await h.request('/v1/chat/completions', {
      method: 'POST',
      body: streamBody('stream', { fake_chunks: 200, fake_chunk_delay_ms: 20 }),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    await waitFor(() => fake.stderrLines().filter((l) => l.startsWith('ABORTED')).length > before, { what: 'ABORTED' });
    await waitFor(() => h.stub.inFlight('stream') === 0, { what: 'lease release' });
  });

  it('sendLoadingState: progress frames in reasoning_content while loading, then the upstream stream', async () => {
    const releaseStart = h.stub.holdStart('lazy');
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamBody('lazy', { fake_chunks: 3 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const seen = { text: '' };
    // Still loading (the start is held): the head and the loading frames are already here.
    await readUntil(reader, seen, (t) => reasoningOf(parseSse(t.slice(0, t.lastIndexOf('\n\n') + 2))).includes('..'));
    expect(h.stub.status('lazy').state).toBe('starting');
    const first = parseSse(seen.text)[0] as ChunkEvent;
    expect(first.object).toBe('chat.completion.chunk');
    expect(first.choices[0]?.delta.reasoning_content).toContain('loading model lazy');
    releaseStart();
    await readUntil(reader, seen, (t) => t.includes('[DONE]'));
    const events = parseSse(seen.text);
    expect(reasoningOf(events)).toMatch(/^loading model lazy \.{2,}[^]*model lazy loaded in \d+\.\ds/);
    expect(contentOf(events)).toBe('tok0 tok1 tok2 ');
    expect(events.at(-1)).toBe('[DONE]');
    await waitFor(() => h.stub.inFlight('lazy') === 0, { what: 'lease release' });
  });

  it('sendLoadingState: no frames when the model is already loaded, or for non-streaming requests', async () => {
    const streamed = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: streamBody('lazy', { fake_chunks: 2 }) });
    const events = parseSse(await streamed.text());
    expect(reasoningOf(events)).toBe('');
    expect(contentOf(events)).toBe('tok0 tok1 ');
    await h.stub.unload('lazy');
    const plain = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'lazy', messages: [] }) });
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toMatchObject({ object: 'chat.completion' });
  });

  it('sendLoadingState: a failed load ends the stream with an error event and [DONE]', async () => {
    h.stub.failNextStart(
      'broken',
      upstreamStartError({ modelId: 'broken', exitCode: 1, signal: null, timedOut: false, durationMs: 12, logTail: ['error: no such file model.gguf'] }),
    );
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: streamBody('broken') });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(reasoningOf(events)).toContain('loading model broken');
    expect(contentOf(events)).toBe('');
    const error = events.at(-2) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('upstream_start_failed');
    expect(error.error.message).toContain('no such file model.gguf');
    expect(events.at(-1)).toBe('[DONE]');
  });
});
