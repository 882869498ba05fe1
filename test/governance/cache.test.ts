// The response cache on the running daemon: a deterministic request is answered once by the
// upstream and then from the cache (x-swapgate-cache: hit) without touching the supervisor;
// entries are scoped per key, streams are never cached, and policies run first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyConfig } from '../../src/config/types.js';
import { makeModel } from '../helpers/model-config.js';
import { readJson } from '../server/harness.js';
import { chatBody, startGoverned, type GovernedHarness } from './governance-harness.js';

const key = (k: string, name: string): ApiKeyConfig => ({ key: k, name, models: null, requestsPerMinute: null, admin: false });

describe('response cache', () => {
  let h: GovernedHarness;
  beforeAll(async () => {
    h = await startGoverned({
      models: [makeModel('chat')],
      config: {
        apiKeys: [key('sk-a-123456', 'a'), key('sk-b-123456', 'b')],
        cache: { enabled: true, ttlMs: 60_000, maxEntries: 10 },
        policies: [{ id: 'p', description: null, models: ['*'], rules: [{ type: 'pii_detection', action: 'redact', appliesTo: ['request'], patterns: ['email'] }] }],
      },
    });
  });
  afterAll(() => h.close());

  const chat = (k: string, body: string): Promise<Response> =>
    fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${k}` }, body });
  const upstreamRequests = async (): Promise<number> =>
    (await readJson<{ byPath: Record<string, number> }>(await fetch(`${h.stub.fake('chat').baseUrl}/fake/stats`))).byPath['/v1/chat/completions'] ?? 0;

  it('miss, then hit with the same answer and no upstream request', async () => {
    const body = chatBody('cache me', { temperature: 0 });
    const miss = await chat('sk-a-123456', body);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-swapgate-cache')).toBe('miss');
    const first = await miss.text();
    const sent = await upstreamRequests();
    const acquired = h.stub.acquired.length;

    const hit = await chat('sk-a-123456', body);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-swapgate-cache')).toBe('hit');
    expect(hit.headers.get('content-type')).toContain('application/json');
    expect(hit.headers.get('x-request-id')).not.toBeNull();
    expect(await hit.text()).toBe(first);
    expect(await upstreamRequests()).toBe(sent);
    expect(h.stub.acquired.length).toBe(acquired);
  });

  it('keys do not share entries; streamed and non-deterministic requests are not cached', async () => {
    const body = chatBody('per key', { seed: 7 });
    expect((await chat('sk-a-123456', body)).headers.get('x-swapgate-cache')).toBe('miss');
    expect((await chat('sk-b-123456', body)).headers.get('x-swapgate-cache')).toBe('miss');
    expect((await chat('sk-b-123456', body)).headers.get('x-swapgate-cache')).toBe('hit');
    const random = await chat('sk-a-123456', chatBody('random', { temperature: 0.8 }));
    expect(random.headers.get('x-swapgate-cache')).toBeNull();
    const stream = await chat('sk-a-123456', chatBody('stream', { temperature: 0, stream: true }));
    expect(stream.headers.get('x-swapgate-cache')).toBeNull();
    await stream.text();
  });

  it('keys the cache on the body after policies: two emails redacted alike share one entry', async () => {
    const first = await chat('sk-a-123456', chatBody('mail ann@example.com', { temperature: 0 }));
    expect(first.headers.get('x-swapgate-cache')).toBe('miss');
    expect(await first.text()).toContain('[REDACTED:email]');
    const second = await chat('sk-a-123456', chatBody('mail bob@example.org', { temperature: 0 }));
    expect(second.headers.get('x-swapgate-cache')).toBe('hit');
  });
});
