// HTTP hygiene over raw sockets: malformed requests get a JSON error and Connection: close, an
// oversized `Expect: 100-continue` gets 413 without a 100 first, a refused oversized body gets a
// 413 the client can read even when it reads only after sending everything, an empty or
// non-JSON body names the missing "model", model names that could mean another path are not
// found on every route, and an absolute-form target is routed as its path.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { head, openRaw, type RawResponse } from '../helpers/raw-http.js';
import { startHarness, type EchoBody, type ErrorBody, type Harness } from './harness.js';

const LIMIT = 4096;

function errorOf(res: RawResponse): ErrorBody {
  expect(res.headers['content-type']).toBe('application/json');
  const body = JSON.parse(res.body) as ErrorBody;
  expect(body.src).toBe('swapgate');
  return body;
}

/** Like most client libraries: sends the whole request, and only then reads the answer. */
function sendAllThenRead(port: number, request: Buffer): Promise<{ status: number | null; error: string | null }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    let text = '';
    let error: string | null = null;
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve({ status: text === '' ? null : Number(text.split(' ')[1]), error }));
    socket.write(request, () => socket.resume());
  });
}

describe('HTTP hygiene', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('m'), makeModel('x'), makeModel('org/x'), makeModel('echo')],
      config: { maxRequestBodyBytes: LIMIT },
      stub: { echo: { basePath: '/echo' } },
    });
  });
  afterAll(() => h.close());

  it.each([
    ['a bad request line', 'GARBAGE\r\n\r\n', 400, 'bad_request'],
    ['a bad header', 'GET /v1/models HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', 400, 'bad_request'],
    ['oversized headers', `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`, 431, 'headers_too_large'],
  ])('answers %s with a JSON error and Connection: close', async (_what, request, status, code) => {
    const conn = await openRaw(h.server.port);
    conn.write(request);
    const res = await conn.response();
    expect(res.status).toBe(status);
    expect(res.headers.connection).toBe('close');
    expect(errorOf(res).error).toMatchObject({ code, type: 'invalid_request_error' });
    await conn.closed;
  });

  it('answers Expect: 100-continue over the body limit with 413, without a 100 first', async () => {
    const conn = await openRaw(h.server.port);
    conn.write(head('POST', '/v1/chat/completions', { expect: '100-continue', 'content-length': LIMIT + 1, 'content-type': 'application/json' }));
    const res = await conn.response();
    expect(res.status).toBe(413);
    expect(errorOf(res).error.code).toBe('body_too_large');
    await conn.closed;
    expect(conn.responses.map((r) => r.status)).toEqual([413]);
  });

  it('sends 100 Continue for an Expect: 100-continue body within the limit', async () => {
    const body = JSON.stringify({ model: 'm', messages: [] });
    const conn = await openRaw(h.server.port);
    conn.write(head('POST', '/v1/chat/completions', { expect: '100-continue', 'content-length': Buffer.byteLength(body) }));
    expect((await conn.response(0)).status).toBe(100);
    conn.write(body);
    expect((await conn.response(1)).status).toBe(200);
    conn.socket.destroy();
  });

  it('lets a client that reads only after sending its whole oversized body read the 413', async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 'x');
    const request = Buffer.concat([Buffer.from(head('POST', '/v1/chat/completions', { 'content-length': body.length })), body]);
    const results = await Promise.all(Array.from({ length: 8 }, () => sendAllThenRead(h.server.port, request)));
    expect(results).toEqual(Array.from({ length: 8 }, () => ({ status: 413, error: null })));
  });

  it('keeps the connection usable after a 413 whose body arrived in full', async () => {
    const conn = await openRaw(h.server.port);
    conn.write(head('POST', '/v1/chat/completions', { 'content-length': LIMIT * 2 }) + 'x'.repeat(LIMIT * 2));
    expect((await conn.response(0)).status).toBe(413);
    const body = JSON.stringify({ model: 'm', messages: [] });
    conn.write(head('POST', '/v1/chat/completions', { 'content-length': Buffer.byteLength(body) }) + body);
    expect((await conn.response(1)).status).toBe(200);
    conn.socket.destroy();
  });

  it.each([
    ['an empty body', ''],
    ['a body that is not JSON', 'model=m'],
    ['a JSON body that is not an object', '"m"'],
  ])('answers %s on a model route with 400 naming "model"', async (_what, body) => {
    const res = await h.request('/v1/chat/completions', { method: 'POST', body });
    expect(res.status).toBe(400);
    const error = (await res.json()) as ErrorBody;
    expect(error.error.type).toBe('invalid_request_error');
    expect(error.error.message).toContain('"model"');
  });

  it.each([
    ['POST', '/upstream/org%2Fx/health'],
    ['POST', '/upstream/org%2fx/health'],
    ['GET', '/upstream/x%5C/health'],
    ['GET', '/upstream/x\\/health'],
    ['GET', '/upstream/../upstream/x/health'],
    ['GET', '/upstream/%2e%2e/x/health'],
    ['POST', '/api/models/unload/org%2Fx'],
    ['POST', '/api/models/unload/x\\'],
    ['POST', '/api/models/load/../unload/x'],
    ['POST', '/api/models/unload/%2e%2e/load/x'],
    ['POST', '/api/models/load/org%2Fx'],
    ['POST', '/api/models/load/org/../x'],
  ])('answers %s %s with 404 model not found', async (method, target) => {
    const conn = await openRaw(h.server.port);
    conn.write(head(method, target, { 'content-length': 0 }));
    const res = await conn.response();
    expect(res.status).toBe(404);
    expect(errorOf(res).error).toMatchObject({ code: 'model_not_found', type: 'not_found_error' });
    conn.socket.destroy();
    expect(h.stub.status('x').state).toBe('stopped'); // no disguised path loaded it
  });

  it('routes an absolute-form target as its path, never forwarding it verbatim', async () => {
    const body = JSON.stringify({ model: 'echo', messages: [] });
    const conn = await openRaw(h.server.port);
    conn.write(head('POST', `http://127.0.0.1:${h.server.port}/v1/chat/completions?x=1`, { 'content-length': Buffer.byteLength(body) }) + body);
    const res = await conn.response();
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as EchoBody).path).toBe('/echo/v1/chat/completions?x=1');
    conn.socket.destroy();
  });

  it('answers a target that is neither a path nor an absolute URL with 400', async () => {
    const conn = await openRaw(h.server.port);
    conn.write(head('OPTIONS', '*'));
    const res = await conn.response();
    expect(res.status).toBe(400);
    expect(errorOf(res).error.code).toBe('bad_request');
    conn.socket.destroy();
  });
});
