// One activity row per finished model request, with what the upstream itself reported (usage,
// llama-server timings: counts, cache hits, speeds) and what swapgate measured (load wait, first
// byte, first token, duration), for JSON answers, streams, failures, clients that leave and
// clients that stop reading. Real sockets, real supervisor, the fake upstream.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { ADMIN_KEY, startObserved, type Observed } from './observe-harness.js';

const KEYS = [{ key: ADMIN_KEY, name: 'ops', models: null, requestsPerMinute: null, admin: true }];
const SPEEDS = { prompt_per_second: 1000, tokens_per_second: 50 };

describe('activity rows', () => {
  let o: Observed;
  beforeAll(async () => {
    o = await startObserved({
      models: [makeModel('llama', { cmd: [...makeModel('llama').cmd, '--timings'] }), makeModel('plain')],
      config: { apiKeys: KEYS, clientStallTimeoutMs: 300, groups: [{ id: 'all', swap: false, exclusive: false, persistent: false, members: ['llama', 'plain'], implicit: false }] },
    });
  });
  afterAll(() => o.close());

  it('a JSON answer: llama-server timings win over usage; load wait, first byte, key name, request id', async () => {
    const res = await o.chat({ model: 'llama', messages: [{ role: 'user', content: 'one two three four' }], fake_cached: 1 }, 'json-1');
    expect(res.status).toBe(200);
    await res.json();
    const row = await o.entry('json-1');
    expect(row).toMatchObject({
      model: 'llama', src: 'local', req_path: '/v1/chat/completions', method: 'POST', resp_status_code: 200,
      resp_content_type: 'application/json', outcome: 'ok', key_name: 'ops', request_id: 'json-1', has_capture: false,
      tokens: { input_tokens: 3, cache_tokens: 1, output_tokens: 6, ...SPEEDS },
    });
    expect(row.id).toBeGreaterThan(0);
    expect(Date.parse(row.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(row.ttft_ms).toBeUndefined(); // not a stream
    // The first request waited for the model to start; the first byte came after that.
    expect(row.load_wait_ms).toBeGreaterThan(0);
    expect(row.ttfb_ms).toBeGreaterThanOrEqual(row.load_wait_ms as number);
    expect(row.duration_ms).toBeGreaterThanOrEqual(row.ttfb_ms as number);
    const again = await o.chat({ model: 'llama', messages: [{ role: 'user', content: 'x' }] }, 'json-2');
    await again.json();
    expect((await o.entry('json-2')).load_wait_ms).toBeLessThan(row.load_wait_ms as number);
  });

  it('a stream: timings read from its last event, and the time to its first token', async () => {
    const res = await o.chat({ model: 'llama', messages: [{ role: 'user', content: 'a b' }], stream: true, fake_chunks: 4, fake_chunk_delay_ms: 30 }, 'sse-timings');
    expect(await res.text()).toContain('data: [DONE]');
    const row = await o.entry('sse-timings');
    expect(row).toMatchObject({ outcome: 'ok', resp_content_type: 'text/event-stream', tokens: { input_tokens: 2, output_tokens: 4, cache_tokens: 0, ...SPEEDS } });
    // The first token was in the first chunk; three 30 ms pauses came after it.
    expect(row.ttft_ms).toBeGreaterThanOrEqual(row.ttfb_ms as number);
    expect(row.duration_ms - (row.ttft_ms as number)).toBeGreaterThanOrEqual(80);
  });

  it('a stream with usage (include_usage) but no timings: counts, and no speeds made up', async () => {
    const res = await o.chat({ model: 'plain', messages: [{ role: 'user', content: 'a b c' }], stream: true, stream_options: { include_usage: true }, fake_chunks: 2 }, 'sse-usage');
    await res.text();
    const row = await o.entry('sse-usage');
    expect(row.tokens).toEqual({ input_tokens: 3, output_tokens: 2 });
    expect(row.ttft_ms).toBeDefined();
  });

  it('failures: an upstream 500 is upstream_error, its 400 rejected; neither reports tokens', async () => {
    for (const [status, reqId] of [[500, 'fail-500'], [400, 'fail-400']] as const) {
      const res = await o.chat({ model: 'plain', messages: [], fake_status: status }, reqId);
      expect(res.status).toBe(status);
      await res.text();
    }
    expect(await o.entry('fail-500')).toMatchObject({ resp_status_code: 500, outcome: 'upstream_error', tokens: {} });
    expect(await o.entry('fail-400')).toMatchObject({ resp_status_code: 400, outcome: 'rejected', tokens: {} });
  });

  it('a client that leaves mid-stream: aborted, with what it was sent', async () => {
    const controller = new AbortController();
    const res = await o.chat({ model: 'plain', messages: [], stream: true, fake_chunks: 100, fake_chunk_delay_ms: 50 }, 'aborted', { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    const row = await o.entry('aborted');
    expect(row).toMatchObject({ outcome: 'aborted', resp_status_code: 200, tokens: {} });
    expect(row.duration_ms).toBeLessThan(5_000);
  });

  it('a client that stops reading: client_stalled', async () => {
    const socket = connect(o.port, '127.0.0.1');
    socket.on('error', () => undefined); // being cut off is the expected end
    socket.pause();
    const body = JSON.stringify({ model: 'plain', messages: [], stream: true, fake_chunks: 10_000_000 });
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\n` +
        `X-Request-Id: stalled\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    try {
      expect(await o.entry('stalled')).toMatchObject({ outcome: 'client_stalled', model: 'plain' });
    } finally {
      socket.destroy();
    }
    await waitFor(() => o.supervisor.status('plain').inFlight === 0, { what: 'the stalled request released' });
  });

  it('keeps only the last metricsMaxInMemory rows, numbered on', async () => {
    const small = await startObserved({ models: [makeModel('m')], config: { metricsMaxInMemory: 2 } });
    try {
      for (const id of ['r1', 'r2', 'r3']) await (await small.chat({ model: 'm', messages: [] }, id)).text();
      await small.entry('r3');
      expect(small.observe.activity.oldestFirst().map((e) => [e.id, e.request_id])).toEqual([[2, 'r2'], [3, 'r3']]);
    } finally {
      await small.close();
    }
  });

  it('metricsMaxInMemory 0: no rows and no per-request metrics, while model states still count', async () => {
    const off = await startObserved({ models: [makeModel('m')], config: { metricsMaxInMemory: 0 } });
    try {
      const res = await off.chat({ model: 'm', messages: [] }, 'off-1');
      expect(res.status).toBe(200);
      await res.text();
      const rows = (await (await off.request('/api/metrics/activity')).json()) as { total: number };
      expect(rows.total).toBe(0);
      const metrics = await (await off.request('/metrics')).text();
      expect(metrics).not.toMatch(/^swapgate_requests_total\{/m);
      expect(metrics).toMatch(/^swapgate_model_state\{model="m",state="ready"\} 1$/m);
    } finally {
      await off.close();
    }
  });
});
