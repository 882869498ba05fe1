// requestBodyTimeout: a body that does not arrive in time gets 408 (OpenAI-shaped, code
// request_timeout) and never reaches the scheduler or an upstream; a streamed upload already
// being piped has its upstream request aborted. Other requests are served meanwhile, and time
// spent waiting for a model to load does not count against the body.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { head, openRaw, type RawResponse } from '../helpers/raw-http.js';
import { waitFor } from '../helpers/wait-for.js';
import { startHarness, type ErrorBody, type Harness } from './harness.js';

const TIMEOUT_MS = 1_000;

function expect408(res: RawResponse): void {
  expect(res.status).toBe(408);
  expect(res.headers.connection).toBe('close');
  const body = JSON.parse(res.body) as ErrorBody;
  expect(body).toMatchObject({ error: { type: 'invalid_request_error', code: 'request_timeout' }, src: 'swapgate' });
}

const part = (name: string, value: string, filename?: string): string =>
  `--B\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n${value}\r\n`;

async function upstreamInFlight(h: Harness, modelId: string): Promise<number> {
  const stats = await fetch(`${h.stub.fake(modelId).baseUrl}/fake/stats`);
  return ((await stats.json()) as { inFlight: number }).inFlight;
}

describe('requestBodyTimeout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('m'), makeModel('held')],
      config: { requestBodyTimeoutMs: TIMEOUT_MS },
    });
  });
  afterAll(() => h.close());

  it('answers 408 to a JSON body that stops after one byte; it never reaches the scheduler; others are served meanwhile', async () => {
    const slow = await openRaw(h.server.port);
    slow.write(head('POST', '/v1/chat/completions', { 'content-type': 'application/json', 'content-length': 100 }));
    slow.write('{');
    let slowAnswered = false;
    const slowResponse = slow.response().finally(() => {
      slowAnswered = true;
    });
    const other = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) });
    expect(other.status).toBe(200);
    expect(slowAnswered).toBe(false);
    expect408(await slowResponse);
    await slow.closed;
    // Only the other request was ever given a lease.
    expect(h.stub.acquired.filter((id) => id === 'm')).toHaveLength(1);
  });

  it('answers 408 to a multipart upload that stalls while being piped, and aborts its upstream request', async () => {
    const slow = await openRaw(h.server.port);
    slow.write(head('POST', '/v1/audio/transcriptions', { 'content-type': 'multipart/form-data; boundary=B', 'content-length': 100_000 }));
    slow.write(part('model', 'm') + '--B\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF');
    expect408(await slow.response());
    await h.stub.fake('m').waitForLine(/^ABORTED \/v1\/audio\/transcriptions/);
    await waitFor(() => h.stub.inFlight('m') === 0, { what: 'the lease released' });
  });

  it('answers 408 to a passthrough body that stalls, and aborts its upstream request', async () => {
    const slow = await openRaw(h.server.port);
    slow.write(head('POST', '/upstream/m/echo', { 'content-type': 'application/octet-stream', 'content-length': 100 }));
    slow.write('x');
    expect408(await slow.response());
    await h.stub.fake('m').waitForLine(/^ABORTED \/echo/);
    await waitFor(() => h.stub.inFlight('m') === 0, { what: 'the lease released' });
  });

  it('does not count the wait for the model to load against the body', async () => {
    const release = h.stub.holdStart('held');
    const conn = await openRaw(h.server.port);
    const file = part('file', 'RIFF....', 'a.wav');
    const form = part('model', 'held') + file + '--B--\r\n';
    // The model field and the delimiter after it: enough for the scan to find the model.
    const first = form.slice(0, part('model', 'held').length + '--B\r\n'.length);
    conn.write(head('POST', '/v1/audio/transcriptions', { 'content-type': 'multipart/form-data; boundary=B', 'content-length': Buffer.byteLength(form) }));
    conn.write(first);
    await waitFor(() => h.stub.status('held').state === 'starting', { what: 'the request waiting for its model' });
    // Longer than the whole deadline, all of it spent waiting for the model, not reading.
    await delay(TIMEOUT_MS + 300);
    release();
    // The upstream has the request (the piping started) before the rest of the body is sent.
    await waitFor(async () => h.stub.status('held').state === 'ready' && (await upstreamInFlight(h, 'held')) === 1, { what: 'the upload reaching the upstream' });
    conn.write(form.slice(first.length));
    const res = await conn.response();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ filename: 'a.wav', form_model: 'held' });
    conn.socket.destroy();
  });
});
