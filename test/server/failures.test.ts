// Proxy-made errors: dead and slow upstreams, oversized bodies, supervisor refusals, bugs.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwapgateError } from '../../src/shared/errors.js';
import { makeModel } from '../helpers/model-config.js';
import { readJson, startHarness, type ErrorBody, type Harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const chat = (model: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ model, messages: [], ...extra });

/** Uploads in pieces and resolves with the first response; stops writing once it arrives. */
function uploadInPieces(url: string, headers: Record<string, string>, pieces: Buffer[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const writeNext = (index: number): void => {
      if (answered || req.destroyed) return;
      const piece = pieces[index];
      if (piece === undefined) {
        req.end();
        return;
      }
      req.write(piece, () => setImmediate(() => writeNext(index + 1)));
    };
    writeNext(0);
  });
}

describe('upstream failures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('fragile'), makeModel('phoenix'), makeModel('slow'), makeModel('busy')],
      app: { upstreamTimeoutMs: 300, refusedRetryWaitMs: 300 },
    });
  });
  afterAll(() => h.close());

  it('answers 502 with the model log tail when the upstream died', async () => {
    expect((await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: chat('fragile') })).status).toBe(200);
    await h.stub.crash('fragile');
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: chat('fragile') });
    expect(res.status).toBe(502);
    const body = await readJson<ErrorBody>(res);
    expect(body.src).toBe('swapgate');
    expect(body.error.type).toBe('upstream_error');
    expect(body.error.code).toMatch(/^upstream_(unreachable|died)$/);
    expect(body.error.message).toContain('last log lines');
    expect(body.error.message).toMatch(/READY \d+/);
    expect(h.stub.inFlight('fragile')).toBe(0);
  });

  it('sends a request a just-crashed upstream refused to a fresh start once the supervisor notices', async () => {
    // Loaded without a proxied request, so no pooled connection can make the failure ambiguous.
    await h.stub.load('phoenix');
    const firstPid = h.stub.fake('phoenix').pid;
    await h.stub.crash('phoenix');
    const pending = fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-request-id': 'refused-once' },
      body: chat('phoenix', { messages: [{ role: 'user', content: 'again' }] }),
    });
    const waiting = (line: Record<string, unknown>): boolean => line.reqId === 'refused-once' && String(line.msg).includes('did not read the request');
    await waitFor(() => h.logs().some(waiting), { what: 'the refused attempt' });
    h.stub.noticeExit('phoenix');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ choices: [{ message: { content: 'phoenix says: again' } }] });
    expect(h.stub.fake('phoenix').pid).not.toBe(firstPid);
    expect(h.stub.inFlight('phoenix')).toBe(0);
  });

  it('does not send again a request its upstream died processing (it may be what killed it)', async () => {
    await h.stub.unload('phoenix');
    await h.stub.load('phoenix');
    const fake = h.stub.fake('phoenix');
    const pending = fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: chat('phoenix', { fake_delay_ms: 10_000 }) });
    await waitFor(async () => (await readJson<{ inFlight: number }>(await fetch(`${fake.baseUrl}/fake/stats`))).inFlight === 1, {
      what: 'the request to reach the upstream',
    });
    await h.stub.crash('phoenix');
    h.stub.noticeExit('phoenix');
    const res = await pending;
    expect(res.status).toBe(502);
    expect((await readJson<ErrorBody>(res)).error.type).toBe('upstream_error');
    expect(h.stub.status('phoenix').state).toBe('stopped');
  });

  it('answers 504 when the upstream sends nothing within the timeout, and aborts it', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: chat('slow', { fake_delay_ms: 5_000 }) });
    expect(res.status).toBe(504);
    expect((await readJson<ErrorBody>(res)).error.code).toBe('upstream_timeout');
    await h.stub.fake('slow').waitForLine(/^ABORTED \/v1\/chat\/completions$/);
    expect(h.stub.inFlight('slow')).toBe(0);
  });

  it('passes supervisor refusals through with their status and Retry-After', async () => {
    h.stub.failNextStart(
      'busy',
      new SwapgateError('concurrency_limit', 'model "busy" has too many requests', { status: 429, type: 'rate_limit_error', retryAfterSec: 3 }),
    );
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: chat('busy') });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({
      error: { message: 'model "busy" has too many requests', type: 'rate_limit_error', code: 'concurrency_limit', param: null },
      src: 'swapgate',
    });
    h.stub.failNextStart('busy', new SwapgateError('shutting_down', 'swapgate is shutting down', { status: 503, type: 'server_error', retryAfterSec: 5 }));
    const down = await h.request('/v1/chat/completions', { method: 'POST', body: chat('busy') });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
  });

  it('turns an unexpected exception into a 500 with a message, never an empty body', async () => {
    const original = h.stub.statuses.bind(h.stub);
    h.stub.statuses = () => {
      throw new TypeError('statuses exploded');
    };
    try {
      const res = await h.request('/v1/models');
      expect(res.status).toBe(500);
      const body = await readJson<ErrorBody>(res);
      expect(body.error).toMatchObject({ code: 'internal', type: 'server_error' });
      expect(body.error.message).toContain('statuses exploded');
    } finally {
      h.stub.statuses = original;
    }
  });

  it('answers unknown routes with a 404 in the same shape', async () => {
    const res = await h.request('/v2/nothing');
    expect(res.status).toBe(404);
    expect((await readJson<ErrorBody>(res)).src).toBe('swapgate');
  });
});

describe('request body limit (413)', () => {
  let h: Harness;
  const limit = 4096;
  beforeAll(async () => {
    h = await startHarness({ models: [makeModel('m')], config: { maxRequestBodyBytes: limit } });
  });
  afterAll(() => h.close());

  it('refuses from Content-Length before reading', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: chat('m', { pad: 'x'.repeat(limit) }) });
    expect(res.status).toBe(413);
    const body = await readJson<ErrorBody>(res);
    expect(body.error.code).toBe('body_too_large');
    expect(body.src).toBe('swapgate');
  });

  it('refuses a chunked JSON body once it passes the limit', async () => {
    const pieces = Array.from({ length: 64 }, () => Buffer.from('x'.repeat(512)));
    const res = await uploadInPieces(`${h.url}/v1/chat/completions`, { 'content-type': 'application/json' }, pieces);
    expect(res.status).toBe(413);
    expect((JSON.parse(res.text) as ErrorBody).error.code).toBe('body_too_large');
  });

  it('refuses a streamed passthrough body while forwarding it', async () => {
    const pieces = Array.from({ length: 64 }, () => Buffer.from('y'.repeat(512)));
    const res = await uploadInPieces(`${h.url}/upstream/m/echo`, { 'content-type': 'application/octet-stream' }, pieces);
    expect(res.status).toBe(413);
    expect(h.stub.inFlight('m')).toBe(0);
  });

  it('refuses a multipart upload whose model field comes after too many bytes', async () => {
    const head = Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n');
    const pieces = [head, ...Array.from({ length: 64 }, () => Buffer.alloc(512, 1))];
    const res = await uploadInPieces(`${h.url}/v1/audio/transcriptions`, { 'content-type': 'multipart/form-data; boundary=B' }, pieces);
    expect(res.status).toBe(413);
  });
});
