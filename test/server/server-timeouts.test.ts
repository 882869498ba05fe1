// Slowloris bounds, set deliberately on the node server: headers must arrive within
// headersTimeout, a whole request within requestTimeout (answered 408 with a JSON body), and
// requestTimeout covers receiving the request only, never a long streaming response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONNECTIONS_CHECK_MS,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  startServer,
} from '../../src/server/start-server.js';
import { makeModel } from '../helpers/model-config.js';
import { head, openRaw, type RawResponse } from '../helpers/raw-http.js';
import { parseSse, startHarness, type ErrorBody, type Harness } from './harness.js';

const HEADERS_MS = 400;
const REQUEST_MS = 1_000;

function expect408(res: RawResponse): void {
  expect(res.status).toBe(408);
  expect(res.headers.connection).toBe('close');
  expect(JSON.parse(res.body) as ErrorBody).toMatchObject({ error: { code: 'request_timeout', type: 'invalid_request_error' }, src: 'swapgate' });
}

describe('server timeouts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('m')],
      // The pipeline's own body deadline is off here, to show node's requestTimeout behind it.
      config: { requestBodyTimeoutMs: 0 },
      server: { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS, connectionsCheckMs: 50 },
    });
  });
  afterAll(() => h.close());

  it('sets the documented values by default', async () => {
    const server = await startServer({ fetch: () => new Response('') }, { host: '127.0.0.1', port: 0 });
    try {
      expect(server.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
      expect(server.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
      expect(server.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
      expect(HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS);
      expect(CONNECTIONS_CHECK_MS).toBeLessThan(HEADERS_TIMEOUT_MS);
    } finally {
      await server.close();
    }
  });

  it('answers headers that trickle in (slowloris) with 408 once headersTimeout passed', async () => {
    const conn = await openRaw(h.server.port);
    const sentAt = Date.now();
    conn.write('POST /v1/chat/completions HTTP/1.1\r\nHost: swapgate\r\nX-Slow: ');
    expect408(await conn.response());
    await conn.closed;
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(HEADERS_MS - 50);
  });

  it('answers a body no route finishes reading with 408 once requestTimeout passed', async () => {
    const conn = await openRaw(h.server.port);
    conn.write(head('POST', '/v1/chat/completions', { 'content-length': 100 }) + '{');
    expect408(await conn.response());
    await conn.closed;
  });

  it('never cuts a streaming response that lasts longer than requestTimeout', async () => {
    const res = await h.request('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [], stream: true, fake_chunks: 3, fake_chunk_delay_ms: REQUEST_MS / 2 }),
    });
    const events = parseSse(await res.text());
    expect(events).toHaveLength(3 + 1 + 1); // three tokens, the stop chunk, [DONE]
    expect(events.at(-1)).toBe('[DONE]');
  });
});
