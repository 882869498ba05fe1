// API keys through the keyring (scoped keys, admin-only management, /upstream under policy)
// and per-key / per-IP rate limits with an injected clock: no sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../helpers/model-config.js';
import { readJson, type ErrorBody } from '../server/harness.js';
import { chatBody, makeApiKey as key, startGoverned, type GovernedHarness } from './governance-harness.js';

const ADMIN = 'sk-admin-0123456789';
const TEAM = 'sk-team-0123456789';
const LIMITED = 'sk-limited-0123456789';
const bearer = (k: string): Record<string, string> => ({ authorization: `Bearer ${k}` });

describe('API keys: scopes and admin routes', () => {
  let h: GovernedHarness;
  beforeAll(async () => {
    h = await startGoverned({
      models: [makeModel('qwen-7b', { aliases: ['gpt-4o-mini'] }), makeModel('llama-8b'), makeModel('guarded')],
      config: {
        apiKeys: [key(ADMIN, 'ops', { admin: true }), key(TEAM, 'team', { models: ['qwen-*', 'gpt-4o-mini'] })],
        policies: [{ id: 'p', description: null, models: ['guarded'], rules: [{ type: 'prompt_injection', action: 'block', appliesTo: ['request'] }] }],
      },
    });
  });
  afterAll(() => h.close());

  const post = (path: string, k: string | null, body: string | null = null): Promise<Response> =>
    fetch(`${h.url}${path}`, { method: 'POST', headers: k === null ? {} : bearer(k), ...(body === null ? {} : { body }) });

  it('401 with WWW-Authenticate without a valid key, never on /health or OPTIONS', async () => {
    for (const res of [await post('/v1/chat/completions', null, chatBody('hi')), await post('/v1/chat/completions', 'sk-wrong', chatBody('hi'))]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="swapgate"');
      expect(await readJson<ErrorBody>(res)).toMatchObject({ error: { type: 'authentication_error', code: 'unauthorized' }, src: 'swapgate' });
    }
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
    const preflight = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(h.stub.acquired).toEqual([]);
  });

  it('a scoped key may use its models by id, alias and glob, and gets 403 for the others without starting them', async () => {
    const ok = await post('/v1/chat/completions', TEAM, JSON.stringify({ model: 'qwen-7b', messages: [{ role: 'user', content: 'hi' }] }));
    expect(ok.status).toBe(200);
    expect((await post('/v1/chat/completions', TEAM, JSON.stringify({ model: 'gpt-4o-mini', messages: [] }))).status).toBe(200);
    const denied = await post('/v1/chat/completions', TEAM, JSON.stringify({ model: 'llama-8b', messages: [] }));
    expect(denied.status).toBe(403);
    const body = await readJson<ErrorBody>(denied);
    expect(body.error).toMatchObject({ type: 'permission_error', code: 'forbidden', model: 'llama-8b' });
    expect(body.error.message).toContain('"team"');
    expect(body.error.message).not.toContain(TEAM);
    expect((await fetch(`${h.url}/props?model=llama-8b`, { headers: bearer(TEAM) })).status).toBe(403);
    expect((await fetch(`${h.url}/upstream/llama-8b/health`, { headers: bearer(TEAM) })).status).toBe(403);
    expect(h.stub.acquired).not.toContain('llama-8b');
    // The admin key is not scoped.
    expect((await post('/v1/chat/completions', ADMIN, JSON.stringify({ model: 'llama-8b', messages: [] }))).status).toBe(200);
  });

  it('only admin keys may load, unload, read logs and /running', async () => {
    for (const [method, path] of [['POST', '/api/models/unload'], ['POST', '/api/models/load/qwen-7b'], ['GET', '/logs'], ['GET', '/running']] as const) {
      const res = await fetch(`${h.url}${path}`, { method, headers: bearer(TEAM) });
      expect(res.status, path).toBe(403);
      expect(await readJson<ErrorBody>(res)).toMatchObject({ error: { type: 'permission_error', code: 'forbidden' } });
    }
    expect((await fetch(`${h.url}/running`, { headers: bearer(ADMIN) })).status).toBe(200);
    expect((await fetch(`${h.url}/api/models/unload`, { method: 'POST', headers: bearer(ADMIN) })).status).toBe(200);
    // Not management: listing models.
    expect((await fetch(`${h.url}/v1/models`, { headers: bearer(TEAM) })).status).toBe(200);
  });

  it('/upstream/ to a model under policy needs an admin key (it bypasses the policies)', async () => {
    const scopedOut = await startGoverned({
      models: [makeModel('guarded')],
      config: {
        apiKeys: [key(ADMIN, 'ops', { admin: true }), key(TEAM, 'team')],
        policies: [{ id: 'p', description: null, models: ['guarded'], rules: [{ type: 'prompt_injection', action: 'block', appliesTo: ['request'] }] }],
      },
    });
    try {
      const denied = await fetch(`${scopedOut.url}/upstream/guarded/health`, { headers: bearer(TEAM) });
      expect(denied.status).toBe(403);
      expect((await readJson<ErrorBody>(denied)).error.message).toContain('bypasses');
      expect(scopedOut.stub.acquired).toEqual([]);
      expect((await fetch(`${scopedOut.url}/upstream/guarded/health`, { headers: bearer(ADMIN) })).status).toBe(200);
    } finally {
      await scopedOut.close();
    }
  });

  it('never logs a key', () => {
    const everything = h.rawLogs.join('\n');
    for (const secret of [ADMIN, TEAM, 'sk-wrong']) expect(everything).not.toContain(secret);
  });
});

describe('rate limits', () => {
  let clock = 0;
  let h: GovernedHarness;
  beforeAll(async () => {
    h = await startGoverned({
      models: [makeModel('m')],
      config: { apiKeys: [key(LIMITED, 'limited', { requestsPerMinute: 2 }), key(TEAM, 'team')], rateLimits: { defaultRequestsPerMinute: 100 } },
      now: () => clock,
    });
  });
  afterAll(() => h.close());

  const list = (k: string): Promise<Response> => fetch(`${h.url}/v1/models`, { headers: bearer(k) });

  it('429 with Retry-After and x-ratelimit-* past the key\'s limit, then refills with time', async () => {
    const first = await list(LIMITED);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect((await list(LIMITED)).headers.get('x-ratelimit-remaining-requests')).toBe('0');

    const refused = await list(LIMITED);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset-requests')).toBe('60s');
    expect(await readJson<ErrorBody>(refused)).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limited' }, src: 'swapgate' });

    // Other keys have their own bucket (the default limit); /health is never limited.
    expect((await list(TEAM)).headers.get('x-ratelimit-limit-requests')).toBe('100');
    for (let i = 0; i < 3; i++) expect((await fetch(`${h.url}/health`)).status).toBe(200);

    clock += 30_000;
    const refilled = await list(LIMITED);
    expect(refilled.status).toBe(200);
    expect(refilled.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('limits by client IP when no keys are configured', async () => {
    const open = await startGoverned({ models: [makeModel('m')], config: { rateLimits: { defaultRequestsPerMinute: 1 } }, now: () => 0 });
    try {
      expect((await fetch(`${open.url}/v1/models`)).status).toBe(200);
      const refused = await fetch(`${open.url}/v1/models`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('60');
    } finally {
      await open.close();
    }
  });
});
