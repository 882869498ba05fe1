import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyConfig } from '../../src/config/types.js';
import { makeModel } from '../helpers/model-config.js';
import { readJson, startHarness, type EchoBody, type ErrorBody, type Harness } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const SECRET = 'sk-very-secret-key-1';
const key = (k: string, name: string): ApiKeyConfig => ({ key: k, name, models: null, requestsPerMinute: null, admin: false });
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('API keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      models: [makeModel('echo')],
      stub: { echo: { basePath: '/echo' } },
      config: { apiKeys: [key('sk-other', 'bob'), key(SECRET, 'alice')] },
    });
  });
  afterAll(() => h.close());

  it.each([
    ['no key', {}, 401],
    ['Bearer', { authorization: `Bearer ${SECRET}` }, 200],
    ['bearer (any case)', { authorization: `bearer ${SECRET}` }, 200],
    ['x-api-key', { 'x-api-key': SECRET }, 200],
    ['Basic password', { authorization: basic('anyone', SECRET) }, 200],
    ['wrong Bearer', { authorization: 'Bearer sk-wrong' }, 401],
    ['wrong x-api-key', { 'x-api-key': `${SECRET}x` }, 401],
    ['wrong Basic', { authorization: basic(SECRET, 'nope') }, 401],
    ['empty Bearer', { authorization: 'Bearer ' }, 401],
  ])('%s', async (_name, headers: Record<string, string>, status) => {
    const res = await h.request('/v1/models', { headers });
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="swapgate"');
      const body = await readJson<ErrorBody>(res);
      expect(body).toMatchObject({ error: { type: 'authentication_error', code: 'unauthorized', param: null }, src: 'swapgate' });
      expect(body.error.message.length).toBeGreaterThan(0);
    }
  });

  it('never asks /health or a CORS preflight for a key', async () => {
    expect((await h.request('/health')).status).toBe(200);
    const preflight = await h.request('/v1/chat/completions', {
      method: 'OPTIONS',
      headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
  });

  it('never forwards the client key upstream and never logs it', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, 'x-request-id': 'auth-fwd' },
      body: JSON.stringify({ model: 'echo', messages: [] }),
    });
    expect(res.status).toBe(200);
    const echo = await readJson<EchoBody>(res);
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(echo)).not.toContain(SECRET);

    const passthrough = await readJson<EchoBody>(
      await fetch(`${h.url}/upstream/echo/x?y=1`, { headers: { authorization: basic('u', SECRET) } }),
    );
    expect(passthrough.path).toBe('/echo/x?y=1');
    expect(JSON.stringify(passthrough)).not.toContain(SECRET);
    expect(passthrough.headers.authorization).toBeUndefined();

    await (await h.request('/v1/models', { headers: { authorization: 'Bearer sk-wrong-guess', 'x-request-id': 'auth-wrong' } })).text();
    // Over a socket the request line is written once the response has closed: wait for it before looking.
    await waitFor(() => h.requestLine('auth-wrong') !== undefined, { what: 'the rejected request line' });
    expect(h.requestLine('auth-fwd')).toMatchObject({ key_name: 'alice', status: 200 });
    const everything = [...h.rawLogs, ...h.hub.history('proxy')].join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('sk-wrong-guess');
    expect(everything).not.toContain(Buffer.from(`u:${SECRET}`).toString('base64'));
  });
});

describe('CORS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ models: [makeModel('m')] });
  });
  afterAll(() => h.close());

  it('answers preflights for any origin with the needed headers', async () => {
    const res = await h.request('/v1/chat/completions', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://ui.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Content-Type, X-Custom',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-api-key', 'x-request-id', 'x-custom']));
  });

  it('marks normal and proxied responses for an allowed origin', async () => {
    const list = await h.request('/v1/models', { headers: { origin: 'https://ui.example' } });
    expect(list.headers.get('access-control-allow-origin')).toBe('*');
    const proxied = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: 'https://ui.example' },
      body: JSON.stringify({ model: 'm', messages: [] }),
    });
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get('access-control-allow-origin')).toBe('*');
    expect(proxied.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('only echoes listed origins when configured with a list, and is off when the list is empty', async () => {
    const listed = await startHarness({ models: [makeModel('m')], config: { corsOrigins: ['https://app.example'] } });
    const off = await startHarness({ models: [makeModel('m')], config: { corsOrigins: [] } });
    try {
      const ok = await listed.request('/v1/models', { headers: { origin: 'https://app.example' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(ok.headers.get('vary')).toBe('Origin');
      const denied = await listed.request('/v1/models', { headers: { origin: 'https://evil.example' } });
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
      const deniedPreflight = await listed.request('/v1/models', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      expect(deniedPreflight.headers.get('access-control-allow-origin')).toBeNull();
      const none = await off.request('/v1/models', { headers: { origin: 'https://app.example' } });
      expect(none.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await listed.close();
      await off.close();
    }
  });

  it('rejects a malformed origin at boot', async () => {
    await expect(startHarness({ models: [], config: { corsOrigins: ['app.example/'] } })).rejects.toThrow(/corsOrigins/);
  });
});
