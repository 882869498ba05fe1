import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_MODEL_ROUTES } from '../../src/server/route-table.js';
import { makeModel } from '../helpers/model-config.js';
import { startHarness, readJson, type EchoBody, type ErrorBody, type Harness } from './harness.js';

interface ChatCompletion {
  model: string;
  choices: { message: { content: string } }[];
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('JSON inference routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [
        makeModel('llama', { aliases: ['gpt-4o', 'fast'], filters: { stripParams: [], setParams: {}, setParamsByID: { fast: {} } } }),
        makeModel('echo', {
          aliases: ['echo-creative'],
          filters: {
            stripParams: ['temperature', 'options.seed', 'model'],
            setParams: { top_k: 40, 'sampling.min_p': 0.05 },
            setParamsByID: { 'echo-creative': { temperature: 1.3, 'sampling.top_p': 0.9 } },
          },
        }),
        makeModel('plain'),
        makeModel('renamed', { useModelName: 'org/real-name', aliases: ['nick'] }),
      ],
      stub: { echo: { basePath: '/echo' }, plain: { basePath: '/echo' }, renamed: { basePath: '/echo' } },
    });
  });
  afterAll(() => h.close());

  it('forwards a chat completion over a socket', async () => {
    const body = { model: 'llama', messages: [{ role: 'user', content: 'hi there' }] };
    const real = await post(`${h.url}/v1/chat/completions`, body);
    expect(real.status).toBe(200);
    expect(real.headers.get('x-fake-model')).toBe('llama');
    expect(real.headers.get('content-type')).toBe('application/json');
    expect((await readJson<ChatCompletion>(real)).choices[0]?.message.content).toBe('llama says: hi there');
  });

  it('forwards every JSON route to the same path upstream', async () => {
    for (const path of JSON_MODEL_ROUTES) {
      const res = await post(`${h.url}${path}`, { model: 'plain' });
      expect(res.status, path).toBe(200);
      const echo = await readJson<EchoBody>(res);
      expect(echo.path).toBe(`/echo${path}`);
      expect(echo.method).toBe('POST');
    }
  });

  it('resolves aliases and sends the requested name upstream', async () => {
    const res = await post(`${h.url}/v1/completions`, { model: 'gpt-4o', prompt: 'x' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fake-model')).toBe('llama');
    const setParamsKey = await post(`${h.url}/v1/completions`, { model: 'fast', prompt: 'x' });
    expect(setParamsKey.headers.get('x-fake-model')).toBe('llama');
  });

  it('applies stripParams, setParams, setParamsByID (dotted paths), never strips model, recomputes Content-Length', async () => {
    const res = await post(`${h.url}/v1/chat/completions`, {
      model: 'echo-creative',
      temperature: 0.1,
      options: { seed: 7, keep: true },
      sampling: { top_p: 0.5 },
      messages: [],
    });
    const echo = await readJson<EchoBody>(res);
    expect(echo.path).toBe('/echo/v1/chat/completions');
    expect(JSON.parse(echo.body)).toEqual({
      model: 'echo-creative',
      options: { keep: true },
      sampling: { top_p: 0.9, min_p: 0.05 },
      messages: [],
      top_k: 40,
      temperature: 1.3,
    });
    expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(echo.body)));

    const byId = await readJson<EchoBody>(await post(`${h.url}/v1/chat/completions`, { model: 'echo', temperature: 0.1 }));
    expect(JSON.parse(byId.body)).toEqual({ model: 'echo', top_k: 40, sampling: { min_p: 0.05 } });
  });

  it('useModelName replaces "model" upstream, whatever name was requested', async () => {
    for (const name of ['renamed', 'nick']) {
      const echo = await readJson<EchoBody>(await post(`${h.url}/v1/embeddings`, { model: name, input: 'a' }));
      expect(JSON.parse(echo.body)).toEqual({ model: 'org/real-name', input: 'a' });
    }
  });

  it('forwards the client bytes untouched when nothing changes', async () => {
    const text = '{ "model" : "plain",\n  "x": 1.50 }';
    const echo = await readJson<EchoBody>(await fetch(`${h.url}/v1/embeddings`, { method: 'POST', body: text }));
    expect(echo.body).toBe(text);
  });

  it('answers 400 model_missing, 404 with the available ids, 400 on bad JSON', async () => {
    const missing = await post(`${h.url}/v1/chat/completions`, { messages: [] });
    expect(missing.status).toBe(400);
    const missingBody = await readJson<ErrorBody>(missing);
    expect(missingBody).toMatchObject({ error: { code: 'model_missing', type: 'invalid_request_error', param: null }, src: 'swapgate' });
    expect(missingBody.error.message).toContain('missing "model"');

    const unknown = await post(`${h.url}/v1/chat/completions`, { model: 'nope' });
    expect(unknown.status).toBe(404);
    const unknownBody = await readJson<ErrorBody>(unknown);
    expect(unknownBody.error.code).toBe('model_not_found');
    expect(unknownBody.error.message).toContain('"echo", "llama", "plain", "renamed"');
    expect(unknownBody.error.available).toEqual(['echo', 'llama', 'plain', 'renamed']);

    const invalid = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', body: '{"model":' });
    expect(invalid.status).toBe(400);
    expect((await readJson<ErrorBody>(invalid)).error.message).toContain('not valid JSON');
    const array = await h.request('/v1/chat/completions', { method: 'POST', body: '[1]' });
    expect(array.status).toBe(400);
    const empty = await h.request('/v1/chat/completions', { method: 'POST' });
    expect(empty.status).toBe(400);
    expect((await readJson<ErrorBody>(empty)).error.message).toContain('empty');
  });

  it('passes upstream error responses through unchanged', async () => {
    const res = await post(`${h.url}/v1/chat/completions`, { model: 'llama', fake_status: 429 });
    expect(res.status).toBe(429);
    const body = await readJson<{ error: { type: string }; src?: string }>(res);
    expect(body.error.type).toBe('fake_upstream_error');
    expect(body.src).toBeUndefined();
  });

  it('routes ?model= GET requests and rewrites the query only when the upstream name differs', async () => {
    const props = await readJson<EchoBody>(await fetch(`${h.url}/props?model=plain&x=%2F1`));
    expect(props.path).toBe('/echo/props?model=plain&x=%2F1');
    const voices = await readJson<EchoBody>(await fetch(`${h.url}/v1/audio/voices?model=nick`));
    expect(voices.path).toBe('/echo/v1/audio/voices?model=org%2Freal-name');
    const missing = await h.request('/props');
    expect(missing.status).toBe(400);
    expect((await readJson<ErrorBody>(missing)).error.code).toBe('model_missing');
    const unknown = await h.request('/props?model=zzz');
    expect(unknown.status).toBe(404);
  });

  it('keeps a safe X-Request-ID, sends it upstream, and logs one line per request with it', async () => {
    const res = await post(`${h.url}/v1/embeddings`, { model: 'plain', input: 'x' }, { 'x-request-id': 'client.id-42' });
    expect(res.headers.get('x-request-id')).toBe('client.id-42');
    const echo = await readJson<EchoBody>(res);
    expect(echo.headers['x-request-id']).toBe('client.id-42');
    const line = h.requestLine('client.id-42');
    expect(line).toMatchObject({ method: 'POST', path: '/v1/embeddings', model: 'plain', status: 200 });
    expect(line?.bytes).toBeGreaterThan(0);
    expect(typeof line?.duration_ms).toBe('number');

    const unsafe = await post(`${h.url}/v1/embeddings`, { model: 'plain' }, { 'x-request-id': 'bad id; rm -rf' });
    const generated = unsafe.headers.get('x-request-id') ?? '';
    expect(generated).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect((await readJson<EchoBody>(unsafe)).headers['x-request-id']).toBe(generated);
    const other = await h.request('/health');
    expect(other.headers.get('x-request-id')).not.toBe(generated);
    expect(h.rawLogs.join('\n')).not.toContain('rm -rf');
  });
});

describe('multipart inference routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ models: [makeModel('whisper', { aliases: ['stt'] }), makeModel('renamed', { useModelName: 'org/whisper-large' })] });
  });
  afterAll(() => h.close());

  interface Transcription {
    text: string;
    bytes: number;
    filename: string | null;
    form_model: string | null;
    model: string;
  }

  function multipart(boundary: string, parts: { name: string; filename?: string; data: Buffer | string }[]): Buffer {
    const pieces: Buffer[] = [];
    for (const part of parts) {
      const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
      const type = part.filename === undefined ? '' : 'Content-Type: audio/wav\r\n';
      pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n${type}\r\n`));
      pieces.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data), Buffer.from('\r\n'));
    }
    pieces.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(pieces);
  }

  /** Sends a body in small chunked pieces, like a streaming upload. */
  function sendChunked(url: string, contentType: string, body: Buffer, pieceSize = 16 * 1024): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      for (let i = 0; i < body.length; i += pieceSize) req.write(body.subarray(i, i + pieceSize));
      req.end();
    });
  }

  it('routes on the model field sent before the file (fetch FormData)', async () => {
    const form = new FormData();
    form.append('model', 'stt');
    form.append('file', new Blob([Buffer.alloc(200_000, 1)]), 'clip.wav');
    const res = await fetch(`${h.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = await readJson<Transcription>(res);
    expect(body).toMatchObject({ model: 'whisper', filename: 'clip.wav', form_model: 'stt' });
  });

  it('finds a model field after a large file in a chunked upload and forwards every byte', async () => {
    const file = Buffer.alloc(1_500_000, 7);
    const body = multipart('XyZ', [{ name: 'file', filename: 'a.wav', data: file }, { name: 'language', data: 'en' }, { name: 'model', data: 'whisper' }]);
    const res = await sendChunked(`${h.url}/v1/audio/transcriptions`, 'multipart/form-data; boundary=XyZ', body);
    expect(res.status).toBe(200);
    const parsed = JSON.parse(res.text) as Transcription;
    expect(parsed).toMatchObject({ model: 'whisper', form_model: 'whisper', bytes: body.length });
  });

  it('rewrites the model field for useModelName, fixing Content-Length', async () => {
    const body = multipart('b0', [{ name: 'model', data: 'renamed' }, { name: 'file', filename: 'x.wav', data: Buffer.alloc(50_000, 2) }]);
    const res = await fetch(`${h.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b0', 'content-length': String(body.length) },
      body,
    });
    expect(res.status).toBe(200);
    const parsed = await readJson<Transcription>(res);
    expect(parsed.form_model).toBe('org/whisper-large');
    expect(parsed.bytes).toBe(body.length + 'org/whisper-large'.length - 'renamed'.length);
  });

  it('answers 400 without a model field or a boundary, 404 for an unknown model', async () => {
    const noModel = multipart('b1', [{ name: 'file', filename: 'x.wav', data: 'abc' }]);
    const res = await h.request('/v1/images/edits', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b1' },
      body: noModel,
    });
    expect(res.status).toBe(400);
    expect((await readJson<ErrorBody>(res)).error.code).toBe('model_missing');
    const noBoundary = await h.request('/v1/images/edits', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(noBoundary.status).toBe(400);
    const unknown = await sendChunked(`${h.url}/v1/audio/transcriptions`, 'multipart/form-data; boundary=b2', multipart('b2', [{ name: 'model', data: 'ghost' }]));
    expect(unknown.status).toBe(404);
  });
});
