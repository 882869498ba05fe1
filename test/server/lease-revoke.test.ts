// What the proxy does when the supervisor revokes a lease (its model must stop and the request
// outlived the drain deadline): before the head a 503 through the error mapper, after an event
// stream's head an error event, [DONE] and a clean end; the upstream request is aborted at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { modelUnloadedError } from '../../src/supervisor/supervisor-errors.js';
import { parseSse, startHarness, type ErrorBody, type Harness } from './harness.js';

const chat = (extra: Record<string, unknown>): string => JSON.stringify({ model: 'a', messages: [{ role: 'user', content: 'hi' }], ...extra });

describe('a revoked lease', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ models: [makeModel('a')] });
  });
  afterAll(() => h.close());

  it('ends a stream after its head with an OpenAI-shaped error event, then [DONE], and aborts the upstream request', async () => {
    const reqId = 'revoke-stream';
    const res = await h.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': reqId },
      body: chat({ stream: true, fake_chunks: 1_000_000, fake_chunk_delay_ms: 20 }),
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);

    h.stub.revokeLeases('a', modelUnloadedError('a', 'api', 1_000));
    let text = new TextDecoder().decode(first.value);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);

    const events = parseSse(text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.at(-2)).toEqual({
      error: {
        message: 'model "a" was stopped (api) while this request was in flight: it did not finish within unloadTimeout (1 s)',
        type: 'server_error',
        code: 'model_unloaded',
        param: null,
        model: 'a',
        reason: 'api',
      },
      src: 'swapgate',
    });
    expect(h.stub.inFlight('a')).toBe(0);
    await h.stub.fake('a').waitForLine(/^ABORTED \/v1\/chat\/completions$/);
    await waitFor(() => h.requestLine(reqId), { what: 'request log line' });
    const line = h.requestLine(reqId);
    expect(line).toMatchObject({ status: 200, outcome: 'upstream_error' });
    expect(line?.aborted).toBeUndefined(); // the client got the whole (shortened) response
  });

  it('answers a request still waiting for its head with 503 model_unloaded', async () => {
    const waiting = h.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chat({ fake_delay_ms: 600_000 }),
    });
    await waitFor(() => h.stub.inFlight('a') === 1, { what: 'the request in flight' });
    h.stub.revokeLeases('a', modelUnloadedError('a', 'swap', 1_000));

    const res = await waiting;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'model_unloaded', type: 'server_error', model: 'a', reason: 'swap' });
    expect(h.stub.inFlight('a')).toBe(0);
  });
});
